# Deep Learning for Biological Sequences -- the two commands of the README are `make book` and
# `make test`; everything they need is created on first use:
#   .venv        the runtime: Google Colab's package versions plus pinned extras (requirements.txt);
#                every notebook, test and grading kernel runs here
#   .venv-tools  Jupyter Book, nbgrader, Otter Assign (requirements-tools.txt); they execute
#                notebooks through the runtime's kernel, never their own
#   .venv-colab  (make test-colab only) a copy of Colab's complete runtime, from tools/colab/

PYTHON ?= python3.13
VENV   := .venv
TOOLS  := .venv-tools
COLAB  := .venv-colab
BIN    := $(VENV)/bin
TBIN   := $(TOOLS)/bin
UV     := $(TBIN)/uv
STAMP  := $(VENV)/.installed
TSTAMP := $(TOOLS)/.installed
# The kernelspec `python3` that the tools find first: the runtime's interpreter.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/seqdl/jupyter
export SEQDL_TOOLS_PYTHON := $(CURDIR)/$(TBIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONHASHSEED := 0

.PHONY: help env book test test-fast test-colab lint format assign grade nbgrader benchmark serve freeze \
	check-env clean clean-env

help:
	@echo "make book       build the website into _build/html (creates the environments on first use)"
	@echo "make test       build the book if needed, then run the whole test suite"
	@echo "make test-fast  the quick tests only (under a minute: no training, notebooks or browser)"
	@echo "make test-colab run every chapter and exercise in a copy of Colab's runtime, as Colab does"
	@echo "make assign     regenerate exercises/ and autograder/ from solutions/"
	@echo "make grade ASSIGNMENT=01_cnn SUBMISSIONS=dir [OUT=grades/01_cnn]   grade a folder"
	@echo "make nbgrader [COURSE=_build/nbgrader]                             nbgrader course"
	@echo "make benchmark  grade 35 correct submissions: this grader vs sequential otter run"

env: $(STAMP) $(TSTAMP)

# The site's browser files from pinned npm packages (never a CDN): TensorFlow.js for chapter 6's page,
# MathJax for the equations; axe-core for the accessibility tests.
TFJS := book/_extra/predictor/vendor/tf.min.js
MATHJAX := book/_static/mathjax/tex-svg.js
$(TFJS) $(MATHJAX) &: package.json package-lock.json
	npm ci --no-audit --no-fund
	test -f $(TFJS) && test -f $(MATHJAX) && touch $(TFJS) $(MATHJAX)

# The tooling environment comes first: its uv (pinned) installs the large runtime in a few minutes.
$(TSTAMP): requirements-tools.txt
	test -x $(TBIN)/python || $(PYTHON) -m venv $(TOOLS)
	$(TBIN)/python -m pip install -q -r requirements-tools.txt
	touch $(TSTAMP)

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml $(TSTAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) pip install -q --python $(BIN)/python -r requirements.txt
	$(UV) pip install -q --python $(BIN)/python --no-deps -r requirements-nodeps.txt
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python tools/check_env.py --write-kernelspec $(JUPYTER_PATH)
	touch $(STAMP)

book: env $(TFJS) $(MATHJAX)
	SEQDL_BOOK_BUILD=1 $(TBIN)/jupyter-book build . -W -n --keep-going

test: book
	$(BIN)/python -m pytest

test-fast: env
	$(BIN)/python -m pytest -m "not slow and not browser and not site"

# A fresh copy of Colab's runtime (kept while tools/colab/pip-freeze.txt is unchanged), then every
# notebook alone in an empty folder, its own setup cell installing what Colab lacks. The chapters
# that pass go into the book's execution cache: a `make book` after it renders them, unexecuted.
test-colab: env
	$(TBIN)/python tools/colab_runtime.py build-env $(COLAB) --python $(PYTHON) --uv $(UV) --if-stale
	$(TBIN)/python tools/colab_fidelity.py $(COLAB) --book-cache _build/.jupyter_cache

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

assign: env
	$(TBIN)/python tools/assign.py

grade: env
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || (echo "usage: make grade ASSIGNMENT=01_cnn SUBMISSIONS=dir [OUT=dir]"; exit 2)
	$(BIN)/python autograder/grade.py $(ASSIGNMENT) $(SUBMISSIONS) --out $(or $(OUT),grades/$(ASSIGNMENT))

nbgrader: env
	$(TBIN)/python tools/nbgrader_course.py $(or $(COURSE),_build/nbgrader)

benchmark: env
	$(BIN)/python tools/benchmark_grading.py

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

check-env: env
	$(BIN)/python tools/check_env.py
	$(TBIN)/python tools/check_env.py --requirements requirements-tools.txt

freeze: env
	$(BIN)/python tools/check_env.py --freeze
	$(TBIN)/python tools/check_env.py --freeze --requirements requirements-tools.txt

clean:
	rm -rf _build

clean-env:
	rm -rf $(VENV) $(TOOLS) $(COLAB)
