"""Optional grammar evidence from LanguageTool (``detector.checks.grammar`` turns it into findings)."""
