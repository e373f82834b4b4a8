"""The source language (issue 21): route name evidence with exact offsets, the decision rules (clean
English gets null, names are never contradicted), open-set rejection on a tiny synthetic model, the
head's save/load, and the report keys in jsonl, text output and the outlet summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from detector.article import Article, Document
from detector.checks.source_language import SOURCE_LANGUAGE, SourceLanguageHead
from detector.findings import ArticleReport
from detector.io.writers import TextWriter
from detector.mt.model.sources import Doc
from detector.mt.source_language.decide import decide
from detector.mt.source_language.model import SourceLanguageModel, window_bounds
from detector.mt.source_language.names import NameEvidence, NameTable, read_table, shipped_table
from detector.mt.source_language.train import (
    Example,
    calibrate,
    choose_threshold,
    fit,
    fit_trust,
    lolo_models,
    train_model,
    unseen_scores,
)

CLEAN = ("Residents of Kharkiv and Zaporizhzhia queued for water on Tuesday, officials said. "
         "President Volodymyr Zelensky visited Kyiv's hospitals and Mykolaiv's port. "
         "Prices rose in Kherson, Bakhmut and Chernihiv, where the Dnipro river floods every spring.")


# -- name evidence ------------------------------------------------------------------------------
def test_melitopoli_is_italian_evidence_with_exact_offsets() -> None:
    text = "Protests were seen in Melitopoli on Sunday. In Meritopoli, a convoy stopped."
    ev = shipped_table().find(text)
    assert [(text[s:e], f.languages) for s, e, f in ev.hits] == [("Melitopoli", ("it",)), ("Meritopoli", ("it",))]
    lang, p = ev.best()
    assert lang == "it" and p >= 0.5


def test_english_forms_of_the_same_names_are_no_evidence() -> None:
    assert shipped_table().find(CLEAN).hits == []


def test_a_form_is_matched_as_a_whole_word_only() -> None:
    table = NameTable([f for f in read_table() if f.form == "Kiew"])
    assert table.find("Kiewit builds bridges; Kiew is German.").hits[0][:2] == (23, 27)


def test_shared_forms_split_their_vote_and_alone_are_not_confident() -> None:
    ev = shipped_table().find("Fighting near Charkiw.")  # German or Polish
    assert set(ev.probabilities()) == {"de", "pl"} and ev.best()[1] < 0.5
    ev = shipped_table().find("Charkiw, Bachmut and Zełenski.")  # Zełenski is Polish only
    assert ev.best()[0] == "pl" and ev.best()[1] >= 0.5


def test_every_table_row_has_languages_and_a_source() -> None:
    forms = read_table()
    assert len(forms) > 50
    assert all(f.languages and all(len(k) == 2 for k in f.languages) and f.source and f.english for f in forms)


# -- decision rules -----------------------------------------------------------------------------
def test_an_article_not_judged_a_translation_gets_no_language() -> None:
    d = decide(0.2, {"ru": 0.95, "uk": 0.05}, 0.6, NameEvidence())
    assert (d.language, d.probability) == (None, None)


def test_a_confident_model_language_is_named_only_past_the_threshold() -> None:
    assert decide(0.8, {"ru": 0.7, "uk": 0.3}, 0.6, NameEvidence()).language == "ru"
    assert decide(0.8, {"ru": 0.55, "uk": 0.45}, 0.6, NameEvidence()).language is None
    assert decide(0.8, {"en": 0.9, "ru": 0.1}, 0.05, NameEvidence(), agreement=0.0).language == "ru"  # never "en"...
    assert decide(0.8, {"en": 0.9, "ru": 0.1}, 0.6, NameEvidence()).language is None  # ...unless confident


def test_a_model_only_language_needs_both_models_to_agree() -> None:
    # Native news sits just over the MT gate; a confident head alone does not name a language there.
    assert decide(0.53, {"ha": 0.8, "en": 0.1}, 0.75, NameEvidence(), agreement=0.45).language is None
    assert decide(0.9, {"ha": 0.8, "en": 0.1}, 0.75, NameEvidence(), agreement=0.45).language == "ha"
    ev = shipped_table().find("In Melitopoli and Meritopoli, residents protested.")
    assert decide(0.3, {"ru": 0.9}, 0.75, ev, agreement=0.45).language == "it"  # names need no agreement


def test_names_overrule_a_confident_model_language() -> None:
    ev = shipped_table().find("In Melitopoli and Meritopoli, residents protested.")
    d = decide(0.3, {"ru": 0.9, "uk": 0.1}, 0.6, ev)  # names alone make it a translation
    assert d.language == "it" and d.probability >= 0.5 and d.model["language"] == "ru"


def test_ambiguous_names_need_the_model_to_agree() -> None:
    ev = shipped_table().find("Fighting near Charkiw.")
    assert decide(0.9, {"de": 0.7, "ru": 0.3}, 0.6, ev).language == "de"
    assert decide(0.9, {"ru": 0.9, "de": 0.1}, 0.6, ev).language is None  # the model contradicts the names


# -- the head -----------------------------------------------------------------------------------
def _examples(centres: dict[str, np.ndarray], per: int, split: str, rng: np.random.Generator) -> list[Example]:
    out = []
    for lang, c in centres.items():
        for i in range(per):
            vecs = (c + rng.normal(0, 2.0, size=(16, len(c)))).astype(np.float32)
            sents = ["The officials said that the plan would be discussed on Monday."] * 16
            out.append(Example(Doc(" ".join(sents), "mt", "synthetic", lang, f"{lang}{split}{i}"), lang, split, sents, vecs))
    return out


@pytest.fixture(scope="module")
def synthetic() -> tuple[dict, list[Example], list[Example], list[Example]]:
    """Four languages as orthogonal clusters in an 8-d state space (so an unseen one lies between the others)."""
    rng = np.random.default_rng(0)
    centres = {k: 2.0 * np.eye(8)[i] for i, k in enumerate(("aa", "bb", "cc", "dd"))}
    return centres, _examples(centres, 12, "train", rng), _examples(centres, 6, "dev", rng), _examples(centres, 6, "test", rng)


def test_an_unseen_language_is_rarely_named(synthetic) -> None:
    _, train, dev, test = synthetic
    folds = lolo_models(train, dev, languages=("aa", "bb", "cc", "dd"))
    trust = fit_trust(folds, dev)
    for m in folds.values():
        m.trust = trust
    threshold = choose_threshold(np.concatenate([unseen_scores(m, [e for e in dev if e.label == k]) for k, m in folds.items()]))
    shipped, _, scores = train_model(train, dev, ("aa", "bb", "cc", "dd"))  # the same steps, on shared rows
    assert shipped.trust is not None and 0.5 <= shipped.threshold <= 0.99 and (scores >= shipped.threshold).mean() <= 0.3
    model = folds["dd"]
    model.threshold = threshold
    unseen = unseen_scores(model, [e for e in test if e.label == "dd"])
    assert (unseen >= threshold).mean() <= 0.3
    softmax = np.array([max(model.assess(e.vectors[a:b], e.sentences[a:b])[2].values())
                        for e in test if e.label == "dd" for a, b in window_bounds(len(e.sentences))])
    assert (softmax >= 0.5).mean() > (unseen >= threshold).mean()  # the softmax alone would name it more often
    seen = [model.predict(e.vectors[a:b], e.sentences[a:b])[0] == e.label
            for e in test if e.label != "dd" for a, b in window_bounds(len(e.sentences))]
    assert np.mean(seen) >= 0.6


def test_model_round_trips_without_pickle(synthetic, tmp_path: Path) -> None:
    _, train, dev, test = synthetic
    model = fit(train)
    model.doc_weight = 1.0  # the document classifier reads each (two-window) text whole
    calibrate(model, dev)
    model.threshold = 0.6
    model.save(tmp_path)
    back = SourceLanguageModel.load(tmp_path)
    e = test[0]
    assert back.labels == model.labels and back.threshold == 0.6 and back.pooling == model.pooling == "mean+std"
    assert back.probabilities(e.vectors, e.sentences) == pytest.approx(model.probabilities(e.vectors, e.sentences))
    with np.load(tmp_path / "source_language.npz", allow_pickle=False) as z:
        assert "coef" in z and "doc_coef" in z
    assert back.doc_coef == pytest.approx(model.doc_coef) and back.doc_weight == 1.0


def test_the_spread_of_a_windows_states_tells_apart_languages_with_one_mean() -> None:
    # "aa" alternates between two far states, "bb" stays near their midpoint (the same mean state),
    # "cc" near another point.
    rng = np.random.default_rng(1)
    sents = ["The officials said that the plan would be discussed on Monday."] * 8

    def examples(split: str, per: int) -> list[Example]:
        out = []
        for lang, swing, centre in (("aa", 3.0, 0.0), ("bb", 0.0, 0.0), ("cc", 0.0, 3.0)):
            for i in range(per):
                signs = np.where(np.arange(8) % 2 == 0, 1.0, -1.0)[:, None]
                vecs = (centre + signs * swing * np.ones((8, 4)) + rng.normal(0, 0.5, size=(8, 4))).astype(np.float32)
                out.append(Example(Doc(" ".join(sents), "mt", "synthetic", lang, f"{lang}{split}{i}"), lang, split, sents, vecs))
        return out

    train, test = examples("train", 20), examples("test", 10)

    def top1(pooling: str) -> float:
        model = fit(train, text_weight=0.0, name_weight=0.0, pooling=pooling)
        assert model.pooling == pooling
        return float(np.mean([max(model.probabilities(e.vectors, e.sentences).items(), key=lambda kv: kv[1])[0] == e.label
                              for e in test]))

    assert top1("mean+std") == 1.0 and top1("mean") <= 0.8
    with pytest.raises(ValueError, match="pooling"):
        fit(train, pooling="median")


def test_the_state_cache_refuses_another_encoders_states(tmp_path: Path) -> None:
    from detector.mt.source_language.embed import STAMP, VectorCache, encoder_stamp

    class Fake:
        def sentence_vectors(self, sentences: list[str]) -> np.ndarray:
            return np.ones((len(sentences), 4), dtype=np.float32)

    int8 = {"encoder": "auto", "adapter": "a1", "runtime": "onnx-int8", "export_sha1": "e1"}
    VectorCache(tmp_path, int8).vectors(Fake(), ["One sentence here.", "Another sentence here."], progress=False)
    assert json.loads((tmp_path / STAMP).read_text()) == int8
    assert VectorCache(tmp_path, int8).has_all(["One sentence here.", "Another sentence here."])
    with pytest.raises(ValueError, match="another encoder"):
        VectorCache(tmp_path, {**int8, "runtime": "torch", "export_sha1": None})
    shipped = encoder_stamp()
    assert shipped["runtime"] in ("torch", "onnx", "onnx-int8") and (shipped["export_sha1"] is None) == (shipped["runtime"] == "torch")


def test_windows_are_eight_sentences_and_a_short_tail_joins_the_last() -> None:
    assert window_bounds(16) == [(0, 8), (8, 16)]
    assert window_bounds(19) == [(0, 8), (8, 19)]
    assert window_bounds(13) == [(0, 8), (8, 13)]
    assert window_bounds(3) == [(0, 3)]


def test_head_notes_point_at_the_name_forms(synthetic) -> None:
    _, train, dev, _ = synthetic
    model = fit(train)
    calibrate(model, dev)
    head = SourceLanguageHead(model, shipped_table())
    text = "Officials in Melitopoli said so. Later, Melitopoli was calm and Meritopoli too."
    doc = Document(Article("x", text))
    notes, metrics = head.result(doc, [], None, None)
    assert [(n.rule, n.text, n.start) for n in notes] == [(SOURCE_LANGUAGE.id, "Melitopoli", 13), (SOURCE_LANGUAGE.id, "Meritopoli", 64)]
    assert notes[0].data["occurrences"] == [[13, 23], [40, 50]] and notes[0].data["languages"] == ["it"]
    assert metrics["source_language"] == "it" and metrics["source_language_probability"] >= 0.5
    notes, metrics = head.result(Document(Article("y", CLEAN)), [], None, 0.1)
    assert notes == [] and metrics == {}


# -- the report contract --------------------------------------------------------------------------
def test_report_keys_and_words() -> None:
    r = ArticleReport(Article("a", "Text."), [], score=90.0, mt_probability=0.8, words=1,
                      source_language="ru", source_language_probability=0.71234)
    d = r.to_dict()
    assert d["source_language"] == "ru" and d["source_language_probability"] == 0.7123
    out = io.StringIO()
    w = TextWriter(out)
    w.write(r)
    assert "likely machine-translated from Russian (0.71)" in out.getvalue()
    blank = ArticleReport(Article("b", "Text."), [], score=90.0).to_dict()
    assert blank["source_language"] is None and blank["source_language_probability"] is None
    assert json.loads(json.dumps(blank))["source_language"] is None


def test_outlets_list_their_main_source_languages(tmp_path: Path) -> None:
    from detector import outlets as phase2
    from detector.store import Store

    store = Store(tmp_path / "s.db")
    reports = [ArticleReport(Article(f"a{i}", f"Text {i}.", outlet="o"), [], score=90.0, words=2,
                             metrics={"source_language": lang, "source_language_probability": 0.8} if lang else {})
               for i, lang in enumerate(["ru", "ru", "uk", None])]
    store.add_reports(reports)
    assert phase2.main_source_languages(store) == {"o": [("ru", 2), ("uk", 1)]}
    assert phase2.source_language_words(phase2.main_source_languages(store)["o"]) == "Russian 2, Ukrainian 1"
    store.close()


# -- training data and document evidence -----------------------------------------------------------
def test_precomputed_rows_score_exactly_as_the_model_does(synthetic) -> None:
    from detector.mt.source_language.train import example_scores, matrices_of

    _, train, dev, test = synthetic
    train_m, test_m = matrices_of(train, test)
    model = fit(train, matrix=train_m)
    model.doc_weight = 1.0
    for (lg, whole), e in zip(example_scores(model, test, test_m), test, strict=True):
        direct_lg, direct_whole = model.window_logits(e.vectors, e.sentences), model.whole_logits(e.vectors, e.sentences)
        assert lg == pytest.approx(direct_lg, abs=1e-5) and whole == pytest.approx(direct_whole, abs=1e-5)


def test_the_document_classifier_reads_every_train_text_whole(synthetic) -> None:
    from detector.mt.source_language.model import features
    from detector.mt.source_language.train import NAME_WEIGHT, TEXT_WEIGHT, featurize, standardiser

    _, train, _, _ = synthetic
    short = [Example(e.doc, e.label, e.split, e.sentences[:8], e.vectors[:8]) for e in train[:3]]  # one window each
    examples = [*short, *train[3:6]]
    matrix = featurize(examples, *standardiser(train))
    rows, labels = matrix.document_rows()
    whole = features([e.vectors for e in examples], [e.sentences for e in examples], matrix.mean, matrix.scale, TEXT_WEIGHT, NAME_WEIGHT,
                     pooling=matrix.pooling)
    assert rows.shape[0] == len(examples) and list(labels) == [e.label for e in examples]
    assert rows.toarray() == pytest.approx(whole.toarray(), abs=1e-5)
    model = fit(train)
    assert model.doc_coef is not None and model.doc_coef.shape == model.coef.shape


def test_document_evidence_of_one_window_is_that_window() -> None:
    from detector.mt.source_language.model import document_logprob

    one = np.log(np.array([[0.7, 0.2, 0.1]]))
    assert document_logprob(one, None, 2.0) == pytest.approx(one[0])
    two = np.log(np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]]))
    assert document_logprob(two, None, 0.0) == pytest.approx(two.mean(0))
    whole = np.log(np.array([0.05, 0.9, 0.05]))  # logits of the whole text: its log-probabilities
    mixed = document_logprob(two, whole, 1.0)
    assert mixed.argmax() == 1 and mixed == pytest.approx((two.mean(0) + whole) / 2)


def test_the_document_weight_is_chosen_on_dev_documents(synthetic) -> None:
    from detector.mt.source_language.train import DOC_WEIGHTS, choose_doc_weight

    _, train, dev, _ = synthetic
    model = fit(train)
    top1 = choose_doc_weight(model, dev)
    assert set(top1) == {str(w) for w in DOC_WEIGHTS} and model.doc_weight in DOC_WEIGHTS
    assert top1[str(model.doc_weight)] == max(top1.values())


def test_encoding_goes_rank_by_rank_and_weak_languages_first() -> None:
    from detector.mt.source_language.encode import plan

    def doc(lang: str, kind: str, version: str) -> Doc:
        return Doc(f"The {lang} {version} said the officials.", kind, "synthetic", lang, f"g-{lang}")

    docs = [doc(lang, kind, version) for lang in ("ja", "is")
            for kind, version in (("ht", "reference"), ("mt", "first"), ("mt", "second"))]
    assert [s.split()[1:3] for s in plan(docs)] == [["is", "reference"], ["ja", "reference"], ["is", "first"],
                                                    ["ja", "first"], ["is", "second"], ["ja", "second"]]


def _stamped_heads(synthetic, root: Path) -> tuple[Path, Path]:
    """A teacher's and a student's head (one synthetic fit), each stamped with the encoder it read."""
    _, train, dev, _ = synthetic
    model = fit(train)
    calibrate(model, dev)
    folders = []
    for name, adapter in (("teacher", "bcc818f3cd57"), ("student", "student-651520f2c47b")):
        model.meta = {"encoder": {"encoder": "auto", "adapter": adapter, "runtime": "onnx-int8", "export_sha1": None}}
        model.save(root / name)
        folders.append(root / name)
    return folders[0], folders[1]


def test_the_head_read_is_the_one_trained_on_the_encoder_in_use(synthetic, tmp_path: Path) -> None:
    from detector.mt.source_language.heads import head_dir, load_head, trained_on

    teacher, student = _stamped_heads(synthetic, tmp_path)
    both = (teacher, student)
    assert head_dir("bcc818f3cd57", both) == (teacher, "")
    assert head_dir("student-651520f2c47b", both) == (student, "")
    assert load_head("student-651520f2c47b", both).meta["encoder"]["adapter"] == trained_on(student) == "student-651520f2c47b"
    # The student's states never reach the teacher's head: with only that head, no head at all.
    found, why = head_dir("student-651520f2c47b", (teacher,))
    assert found is None and "student-651520f2c47b" in why and "bcc818f3cd57" in why
    with pytest.raises(FileNotFoundError, match="no source-language head was trained on this encoder"):
        load_head("student-651520f2c47b", (teacher,))
    # A head that does not say which encoder it read is not guessed at.
    meta = json.loads((teacher / "meta.json").read_text())
    (teacher / "meta.json").write_text(json.dumps({k: v for k, v in meta.items() if k != "encoder"}))
    assert trained_on(teacher) is None and head_dir("bcc818f3cd57", (teacher,))[0] is None


def test_the_check_loads_the_head_of_its_encoder_or_speaks_from_names_only(synthetic, tmp_path: Path, monkeypatch,
                                                                           caplog) -> None:
    from detector.mt.source_language import heads

    teacher, student = _stamped_heads(synthetic, tmp_path)
    for folders, adapter, expected in (((teacher, student), "student-651520f2c47b", student),
                                       ((teacher, student), "bcc818f3cd57", teacher),
                                       ((teacher,), "student-651520f2c47b", None)):
        monkeypatch.setattr(heads, "HEAD_DIRS", folders)
        with caplog.at_level("WARNING"):
            head = SourceLanguageHead.load(encoder=adapter)
        if expected is None:
            assert head.model is None and "no source-language head was trained on this encoder" in caplog.text
        else:
            assert head.model is not None and head.model.meta["encoder"]["adapter"] == adapter
    # Names still speak without a head.
    notes, metrics = head.result(Document(Article("x", "Residents of Melitopoli fled.")), [], None, 0.9)
    assert [n.text for n in notes] == ["Melitopoli"]
