"""``detector train``, ``detector evaluate`` and ``detector convert``: retrain the MT model on your
own annotations (spaCy-train style) and move annotations in and out of Label Studio / Doccano."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from detector.cli.app import UsageError, app


def _examples(path: Path, what: str) -> list:
    from detector.ml.labeled import LabeledDataError, read_jsonl

    try:
        return read_jsonl(path)
    except LabeledDataError as exc:
        raise UsageError(f"{what}: {exc}") from None


def _load_model(model: Optional[str], encoder: Optional[str]):  # noqa: ANN202
    from detector.mt.model.model import MTModel, resolve_model_dir

    folder = resolve_model_dir(model)
    try:
        return MTModel.load(folder, encoder=encoder)
    except FileNotFoundError as exc:
        raise UsageError(str(exc).splitlines()[0]) from None


@app.command()
def train(
    train_file: Path = typer.Option(..., "--train", help="Labeled JSONL: {text, spans:[{start,end,label}], label}."),
    dev_file: Path = typer.Option(..., "--dev", help="Labeled JSONL for evaluation after each epoch."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for model-best/ and model-last/."),
    base: Optional[str] = typer.Option(None, "--base", help="Encoder (HF id or path), or a trained model folder to continue; default: the packaged MiniLM."),
    epochs: int = typer.Option(10, "--epochs", min=1, help="Passes over the training data; each is scored on --dev."),
    lr: float = typer.Option(1e-3, "--lr", help="AdamW learning rate of the heads (the encoder is frozen while they train)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (batch order, initialisation): the same data and seed give the same model."),
    adapt_epochs: int = typer.Option(0, "--adapt-epochs", min=0, help="First fine-tune LoRA adapters of the encoder on the document labels for this many epochs (0: keep it frozen). Minutes of CPU per thousand sentences; the adapter (~1.4 MB) is saved with the model."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Keep encoder outputs here to make retraining faster."),
    force: bool = typer.Option(False, "--force", help="Write into an existing --output folder."),
) -> None:
    """Train the MT model's tagger and document classifier on labeled JSONL."""
    from detector.ml.encoder_adapter import AdaptConfig
    from detector.mt.model.train import TrainConfig
    from detector.mt.model.train import train as run_train

    if output.exists() and any(output.iterdir()) and not force:
        raise UsageError(f"{output} is not empty; choose another --output or pass --force")
    tr, dv = _examples(train_file, "--train"), _examples(dev_file, "--dev")
    cfg = TrainConfig(epochs=epochs, lr=lr, seed=seed, adapt=AdaptConfig(epochs=adapt_epochs, seed=seed))
    run_train(tr, dv, output, base=base, config=cfg, cache_dir=cache, log=typer.echo)


@app.command()
def evaluate(
    data: Path = typer.Argument(..., help="Labeled JSONL to score the model on."),
    model: str = typer.Option("auto", "--model", help="A model folder (or a `detector train` output); auto = shipped."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="Override the encoder named in meta.json."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """Span P/R/F1 per label and document accuracy/AUC/MCC of a trained model."""
    from detector.mt.model.metrics import format_table
    from detector.mt.model.train import evaluate as run_eval

    if format not in ("text", "json"):
        raise UsageError("--format must be text or json")
    examples = _examples(data, "data")
    m = _load_model(model, encoder)
    scores = run_eval(m, examples)
    if format == "json":
        typer.echo(json.dumps(scores, indent=2))
    else:
        typer.echo(format_table(scores.get("spans", {}), scores.get("docs", {})))


@app.command()
def convert(
    input: Path = typer.Argument(..., help="Label Studio JSON export, Doccano JSONL, or labeled JSONL."),
    output: Path = typer.Argument(..., help="Where to write (never overwritten without --force)."),
    from_format: str = typer.Option("auto", "--from", help="auto | labelstudio | doccano | jsonl"),
    to_format: str = typer.Option("jsonl", "--to", help="jsonl (for detector train) | labelstudio (tasks to review)"),
    model: Optional[str] = typer.Option(None, "--model", help="With --to labelstudio: pre-annotate with this model's predictions (auto = shipped)."),
    include_predictions: bool = typer.Option(False, "--include-predictions", help="From Label Studio: use predictions of tasks nobody annotated."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUTPUT if it exists."),
) -> None:
    """Import Label Studio / Doccano annotations, or export tasks (with predictions) to Label Studio."""
    from detector.ml.annotation_formats import guess_format, labelstudio_config, read_annotations, to_labelstudio
    from detector.ml.labeled import LabeledDataError, write_jsonl

    if to_format not in ("jsonl", "labelstudio"):
        raise UsageError("--to must be jsonl or labelstudio")
    if output.exists() and not force:
        raise UsageError(f"{output} exists; choose another output or pass --force to overwrite it")
    fmt = guess_format(input) if from_format == "auto" else from_format
    try:
        examples = read_annotations(input, fmt, include_predictions)
    except LabeledDataError as exc:
        raise UsageError(str(exc)) from None
    if to_format == "jsonl":
        n = write_jsonl(examples, output)
        typer.echo(f"wrote {n} labeled texts to {output}", err=True)
        return
    predictions, version = None, "detector"
    span_labels = sorted({s.label for ex in examples for s in ex.spans or []})
    doc_labels = sorted({ex.label for ex in examples if ex.label})
    if model is not None:
        m = _load_model(model, None)
        predictions = m.predict([ex.text for ex in examples])
        version = str(m.meta.get("version", "detector"))
        span_labels, doc_labels = m.span_labels, m.doc_labels
    tasks = to_labelstudio(examples, predictions, version)
    output.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"wrote {len(tasks)} Label Studio tasks to {output}; labeling config:\n"
               f"{labelstudio_config(span_labels or ['error'], doc_labels)}", err=True)
