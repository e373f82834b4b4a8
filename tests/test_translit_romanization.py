"""KMU 2010 romanization, the Russian romanization behind legacy exonyms, and the folding key."""

import pytest

from detector.translit import fold_key
from detector.translit.keys import mt_keys, normalize_form, soft_key
from detector.translit.kmu import kmu, russian_forms
from detector.translit.russify import russified


@pytest.mark.parametrize("cyrillic, latin", [
    ("Мелітополь", "Melitopol"),
    ("Куп'янськ", "Kupiansk"),
    ("Куп’янськ", "Kupiansk"),
    ("Згурівка", "Zghurivka"),
    ("Житомир", "Zhytomyr"),
    ("Яготин", "Yahotyn"),
    ("Дмитро Живицький", "Dmytro Zhyvytskyi"),
    ("Київ", "Kyiv"),
    ("Запоріжжя", "Zaporizhzhia"),
    ("Єнакієве", "Yenakiieve"),
    ("Кам'янець-Подільський", "Kamianets-Podilskyi"),
    ("ЗГУРІВКА", "ZGHURIVKA"),
])
def test_kmu_2010_examples(cyrillic, latin):
    assert kmu(cyrillic) == latin


def test_kmu_agrees_with_translitua_on_register_names():
    translitua = pytest.importorskip("translitua")
    names = ["Ізюм", "Їжакевичі", "Щастя", "Подільськ", "Ірпінь", "Гуляйполе", "Южне", "Соледар", "Ґалаґани",
             "Суми", "Бердянськ", "Знам'янка", "Олександрія", "В'язівок", "Юр'ївка"]
    for name in names:
        assert kmu(name) == translitua.translit(name), name


@pytest.mark.parametrize("russian, expected", [
    ("Харьков", "Kharkov"), ("Николаев", "Nikolayev"), ("Николаев", "Nikolaev"), ("Запорожье", "Zaporozhye"),
    ("Кривой Рог", "Krivoy Rog"), ("Одесса", "Odessa"), ("Львов", "Lvov"), ("Артёмовск", "Artemovsk"),
])
def test_russian_forms_produce_the_legacy_exonyms(russian, expected):
    assert expected in russian_forms(russian)


@pytest.mark.parametrize("a, b", [
    ("Kup’yansk", "Kupiansk"), ("Kup'yansk", "Kupyansk"), ("Berdyans’k", "Berdiansk"), ("Odessa", "Odesa"),
    ("Zaporizhzhia", "Zaporizhia"), ("Charków", "Charkow"), ("Zhyvytsky", "Zhyvytskyi"), ("Uzhgorod", "Uzhhorod"),
    ("Tchernihiv", "Chernihiv"), ("Kharkiv", "Harkiv"),
])
def test_fold_key_joins_romanizations(a, b):
    assert fold_key(a) == fold_key(b)


@pytest.mark.parametrize("a, b", [
    ("Kharkiv", "Kherson"), ("Sumy", "Summit"), ("Austria", "Australia"), ("Ivan", "Ivana"), ("Kyiv", "Kiev"),
    ("Kharkiv", "Kharkov"),
])
def test_fold_key_keeps_different_names_apart(a, b):
    assert fold_key(a) != fold_key(b)


def test_soft_key_separates_russian_spellings_from_legacy_ones():
    assert soft_key("Kupyansk") == soft_key("Kupiansk")  # a legacy romanization
    assert soft_key("Odessa") != soft_key("Odesa")  # the Russian spelling, doubled s
    assert soft_key("Mirgorod") != soft_key("Myrhorod")  # g for h


def test_normalize_form_ignores_case_and_apostrophe_style_only():
    assert normalize_form("KUP’YANSK") == normalize_form("Kup'yansk")
    assert normalize_form("Kupyansk") != normalize_form("Kupiansk")


def test_mt_keys_only_for_long_keys():
    assert mt_keys(fold_key("Meritopoli")) == mt_keys(fold_key("Melitopoli"))
    assert "melitopol" in mt_keys(fold_key("Meritopoli"))
    assert mt_keys(fold_key("Sumi")) == []


@pytest.mark.parametrize("ukrainian, russian", [
    ("Фастів", "фастов"), ("Аграрне", "аграрное"), ("Апостолове", "апостолово"), ("Білопілля", "белополье"),
    ("Нові Санжари", "новые санжари"), ("Лозова", "лозовая"), ("Чорноморськ", "черноморськ"),
])
def test_russified_guesses_the_soviet_russian_name(ukrainian, russian):
    assert russian in russified(ukrainian)
