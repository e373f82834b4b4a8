"""The MT model: LoRA-adapted encoder, sentence/window heads, document head, its data and training.

Kept free of imports so that ``detector.mt.model.corpus`` (data loading) does not pull in torch.
"""
