"""What several families share: encoder loading, LoRA adapters, the labelled-data and annotation formats."""
