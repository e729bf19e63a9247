# One entry point for people and CI. `make run` and `make test` each set up a fresh machine first.
SHELL := /bin/bash
SWIFT ?= swift
# Python tools run from the project's virtual environment (Debian's own Python refuses
# system-wide pip installs, PEP 668): `make setup` makes it, and its bin/ comes first on PATH
# for every recipe, so tests, benchmarks and the firmware scripts that run `python3` use it too.
BASE_PYTHON ?= python3
VENV := $(abspath .venv)
PYTHON := $(VENV)/bin/python3
export VIRTUAL_ENV := $(VENV)
export PATH := $(VENV)/bin:$(PATH)
CONFIG ?= release
SHARED ?= $(abspath ../shared)
GOLDEN := .golden
STAMP := .build/stamps

export KWS_SHARED := $(SHARED)
export KWS_GOLDEN := $(abspath $(GOLDEN))

.PHONY: all setup build models run test golden bench firmware firmware-test clean help

all: build

help:
	@echo "make run    - set up, fetch models, and evaluate micro_speech on ../shared/data/speech-commands-sample"
	@echo "make test   - set up, regenerate golden vectors, run every test (host + firmware under QEMU)"
	@echo "make setup  - install Debian packages from apt-packages.txt and PyPI packages from requirements.txt into .venv"
	@echo "make build  - build the package (CONFIG=release by default)"
	@echo "make models - put the model files beside their manifests in Models/"
	@echo "make golden - regenerate the golden vectors into .golden from the PyPI reference runtimes"
	@echo "make bench  - compare speed with the PyPI reference runtimes"
	@echo "make firmware / firmware-test - build the Cortex-M4 firmware / run its test under QEMU"
	@echo "make clean  - remove .build, .golden and the firmware build"

# System and Python packages, from the project's own lists. Re-runs only when a list changes.
setup: $(STAMP)/apt $(STAMP)/pip

$(STAMP)/apt: apt-packages.txt
	@mkdir -p $(STAMP)
	@pkgs=$$(grep -v '^#' apt-packages.txt | xargs); \
	if dpkg-query -W -f='$${Status}\n' $$pkgs 2>/dev/null | grep -qv 'install ok installed' \
	   || [ $$(dpkg-query -W $$pkgs 2>/dev/null | wc -l) -ne $$(echo $$pkgs | wc -w) ]; then \
	  echo "Installing Debian packages: $$pkgs"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq --no-install-recommends $$pkgs >/dev/null; \
	fi
	@touch $@

$(VENV)/pyvenv.cfg: | $(STAMP)/apt
	$(BASE_PYTHON) -m venv $(VENV)

$(STAMP)/pip: requirements.txt $(VENV)/pyvenv.cfg
	@mkdir -p $(STAMP)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

build: setup
	$(SWIFT) build -c $(CONFIG)

models: setup
	$(PYTHON) Models/fetch.py

golden: setup
	$(PYTHON) scripts/golden/generate_all.py --shared $(SHARED) --out $(GOLDEN)

run: build models
	$(SWIFT) run -c $(CONFIG) kws-eval --wav $(SHARED)/data/speech-commands-sample

test: setup models golden
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build
	$(MAKE) -C Firmware test SHARED=$(SHARED)

bench: build models
	.build/$(CONFIG)/kws-bench model
	.build/$(CONFIG)/kws-bench frontend
	.build/$(CONFIG)/kws-bench eval

firmware: setup
	$(MAKE) -C Firmware

firmware-test: setup models golden
	$(MAKE) -C Firmware test SHARED=$(SHARED)

clean:
	rm -rf .build $(GOLDEN) $(VENV)
	$(MAKE) -C Firmware clean
