# Two entry points (see README): `make reproduce` and `make test`.
# Both create .venv and install the kit once; a second run reinstalls only
# when pyproject.toml has changed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: reproduce test setup notebooks results clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[notebooks,test,dask,parquet]'
	touch $(STAMP)

results: $(STAMP)
	$(PY) -m analysis run corpus --out results --figures figures

notebooks: $(STAMP)
	$(PY) -m analysis notebooks notebooks

reproduce: results notebooks

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_pipeline.py --quick

clean:
	rm -rf results figures .cache build
