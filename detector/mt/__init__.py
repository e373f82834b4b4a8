"""Explainable detectors of machine-translation artefacts (the rules behind ``detector.checks.mt_rules``).

Each module finds one family of artefacts as ``Hit``s (offsets, message, suggestion); the check in
``detector.checks.mt_rules`` owns the rule ids, docs and severities and turns hits into findings.
"""
