# Deep Learning for Biological Sequences -- the two commands of the README are `make book` and
# `make test`; everything they need (the virtual environment in .venv) is created on first use.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONHASHSEED := 0
# Keep TensorFlow's C++ start-up chatter out of notebook outputs and logs.
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help env book test test-fast lint format assign grade nbgrader benchmark serve freeze check-env clean clean-env

help:
	@echo "make book       build the website into _build/html (creates .venv on first use)"
	@echo "make test       run the whole test suite (lint, package, notebooks, grading, site)"
	@echo "make test-fast  only the quick tests (no notebook execution, grading or browser)"
	@echo "make assign     regenerate exercises/ and autograder/ from solutions/"
	@echo "make grade ASSIGNMENT=01_cnn SUBMISSIONS=dir [OUT=grades/01_cnn]   grade a folder"
	@echo "make nbgrader [COURSE=_build/nbgrader]                             nbgrader course"
	@echo "make benchmark  time the grader on 35 copies of a correct submission"

env: $(STAMP)

# TensorFlow.js for chapter 6's page, from the pinned npm package (never a CDN).
TFJS := book/_extra/predictor/vendor/tf.min.js
$(TFJS): package.json package-lock.json
	npm ci --no-audit --no-fund
	test -f $@ && touch $@

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

book: env $(TFJS)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: env $(TFJS)
	$(BIN)/python -m pytest

test-fast: env
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

assign: env
	$(BIN)/python tools/assign.py

grade: env
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || (echo "usage: make grade ASSIGNMENT=01_cnn SUBMISSIONS=dir [OUT=dir]"; exit 2)
	$(BIN)/python autograder/grade.py $(ASSIGNMENT) $(SUBMISSIONS) --out $(or $(OUT),grades/$(ASSIGNMENT))

nbgrader: env
	$(BIN)/python tools/nbgrader_course.py $(or $(COURSE),_build/nbgrader)

benchmark: env
	$(BIN)/python tools/benchmark_grading.py

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

check-env: env
	$(BIN)/python tools/check_env.py

freeze: env
	$(BIN)/python tools/check_env.py --freeze

clean:
	rm -rf _build

clean-env:
	rm -rf $(VENV)
