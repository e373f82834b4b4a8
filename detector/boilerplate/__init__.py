"""Page furniture inside article text: cue lexicons, line features, the line classifier.

The check that emits findings is ``detector.checks.boilerplate``; this package holds what it and
the training/evaluation scripts share.
"""
