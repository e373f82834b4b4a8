"""Models: encoder loading, heads, training and evaluation."""
