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

.PHONY: all setup build models run test golden bench fuzz soak firmware firmware-test format lint clean help

all: build

help:
	@echo "make run    - set up, fetch models, and evaluate micro_speech on ../shared/data/speech-commands-sample"
	@echo "make test   - set up, regenerate golden vectors, run every test (host + firmware under QEMU)"
	@echo "make setup  - install Debian packages from apt-packages.txt and PyPI packages from requirements.txt into .venv"
	@echo "make build  - build the package (CONFIG=release by default)"
	@echo "make models - put the model files beside their manifests in Models/"
	@echo "make golden - regenerate the golden vectors into .golden from the PyPI reference runtimes"
	@echo "make bench  - compare speed with the PyPI reference runtimes"
	@echo "make fuzz   - run every libFuzzer target FUZZ_SECONDS (default 60) each, then minimise Fuzz/Corpus"
	@echo "make soak   - HOURS (default 24) of audio through kws-listen and kws-serve, memory/fds/threads watched"
	@echo "make firmware / firmware-test - build the Cortex-M4 firmware / run its test under QEMU"
	@echo "make format - format every Swift file in place (swift format, configured by .swift-format)"
	@echo "make lint   - check LINT_PATHS against .swift-format; fails on any finding (a step of make test)"
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

test: setup models golden lint
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build
	KWS_BIN=.build/$(CONFIG) $(PYTHON) -m unittest scripts/tests/test_serve.py
	$(MAKE) -C Firmware test SHARED=$(SHARED) HOST_CONFIG=$(CONFIG)

bench: build models
	.build/$(CONFIG)/kws-bench model
	.build/$(CONFIG)/kws-bench frontend
	.build/$(CONFIG)/kws-bench eval

# Formatting: swift format ships with the toolchain; .swift-format holds the style.
FORMAT_PATHS := Package.swift Sources Tests Fuzz/Package.swift Fuzz/Sources Firmware/Sources Firmware/Tools
# What `make lint` (and so `make test`) checks: everything `make format` formats.
LINT_PATHS := $(FORMAT_PATHS)

format:
	$(SWIFT) format format --in-place --parallel --recursive $(FORMAT_PATHS)

lint:
	$(SWIFT) format lint --strict --parallel --recursive $(LINT_PATHS)

# Coverage-guided fuzzing (Fuzz/README.md): each target runs FUZZ_SECONDS from the committed corpus
# and fresh seeds, stops at the first finding (kept under .build-fuzz/findings/TARGET/), and its
# corpus is then minimised back into Fuzz/Corpus/TARGET, which `make test` replays.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := model audio-file manifest frontend wyoming
FUZZ_BUILD := .build-fuzz
FUZZ_FLAGS := -rss_limit_mb=2048 -timeout=10
# Inputs stay small, so the committed corpus does too and never carries a whole third-party
# model: models 8 KiB, frontend settings and samples 4 KiB, audio files and JSON 2 KiB.

fuzz: setup models golden
	@# swiftc keeps only the last -sanitize= flag: one flag names both (SwiftPM's own two lose coverage).
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_BUILD) -c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address
	$(PYTHON) Fuzz/seed.py --golden $(GOLDEN) --out $(FUZZ_BUILD)/seeds
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/findings/$$t Fuzz/Corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  case $$t in model) len=8192;; frontend) len=4096;; *) len=2048;; esac; \
	  LSAN_OPTIONS=suppressions=$(abspath Fuzz/lsan-suppressions.txt) \
	  $(FUZZ_BUILD)/release/fuzz-$$t $(FUZZ_FLAGS) -max_len=$$len \
	    -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/findings/$$t/ $(FUZZ_BUILD)/corpus/$$t Fuzz/Corpus/$$t $(FUZZ_BUILD)/seeds/$$t \
	    2>$(FUZZ_BUILD)/$$t.log || { tail -40 $(FUZZ_BUILD)/$$t.log; \
	      echo "fuzz: $$t found a crash in $(FUZZ_BUILD)/findings/$$t/: fix it, then copy the input into Fuzz/Corpus/$$t/"; exit 1; }; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov: ' $(FUZZ_BUILD)/$$t.log | tail -3; \
	  rm -rf $(FUZZ_BUILD)/min/$$t; mkdir -p $(FUZZ_BUILD)/min/$$t; \
	  LSAN_OPTIONS=suppressions=$(abspath Fuzz/lsan-suppressions.txt) \
	  $(FUZZ_BUILD)/release/fuzz-$$t $(FUZZ_FLAGS) -max_len=$$len -merge=1 $(FUZZ_BUILD)/min/$$t \
	    Fuzz/Corpus/$$t $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/seeds/$$t 2>>$(FUZZ_BUILD)/$$t.log; \
	  rm -rf Fuzz/Corpus/$$t; mv $(FUZZ_BUILD)/min/$$t Fuzz/Corpus/$$t; \
	done; du -sh --apparent-size Fuzz/Corpus

# Hours of audio as fast as the tools take it; resident memory must stay flat (scripts/soak.py).
HOURS ?= 24
soak: build models golden
	$(PYTHON) scripts/soak.py --hours $(HOURS) --bin .build/$(CONFIG)

firmware: setup
	$(MAKE) -C Firmware

firmware-test: setup models golden
	$(SWIFT) build -c $(CONFIG) --product kws-eval
	$(SWIFT) build -c $(CONFIG) --product kws-listen
	$(MAKE) -C Firmware test SHARED=$(SHARED) HOST_CONFIG=$(CONFIG)

clean:
	rm -rf .build $(GOLDEN) $(VENV)
	$(MAKE) -C Firmware clean
