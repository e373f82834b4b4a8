"""Which language an English article was (machine-)translated from (issue 21).

``model``: a multinomial logistic regression on the MT model's pooled sentence states (no second
encoder pass) and hashed function-word features, calibrated and with an open-set rejection rule;
``names``: route-specific name forms (Melitopoli, Charkiw, Kiew ...) as evidence needing no training;
``corpus``/``train``: the WMT training data and ``make train-source-language``.
"""
