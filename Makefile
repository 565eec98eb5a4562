# xbridge — build, proofs, tests and fuzzing. `make help` lists the targets.
#
# Layout the rules rely on (so new code needs no edit here):
#   impl/<layer>/*.c            library code -> build/libxb.a (impl/main/ excluded)
#   impl/main/<prog>.c          one program each -> build/<prog>
#   impl/tests/unit/test_*.c    Check suites `Suite *xb_suite_<name>(void)` -> build/test/unit
#   fuzz/<target>/harness.c     LLVMFuzzerTestOneInput -> AFL++, libFuzzer and replay builds
#   proofs/units/<unit>.mk      Frama-C/WP proof units (PROOF_UNITS, PROOF_<u>_SRCS/FLAGS)

.DEFAULT_GOAL := all
SHELL := /bin/bash
BUILD := build
CC := gcc

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wsign-conversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wformat=2 -Wcast-qual -Wpointer-arith -Wundef \
        -Wnull-dereference -Wdouble-promotion
CSTD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CPPFLAGS_XB := -Iimpl -MMD -MP
CFLAGS_REL := -O2 -g $(CSTD) $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_SAN := -O1 -g $(CSTD) $(WARN) $(SAN)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
LDLIBS_XB := -lsqlite3 -lssl -lcrypto -lm

LIB_SRCS := $(sort $(filter-out impl/main/% impl/tests/%,$(wildcard impl/*/*.c)))
PROG_SRCS := $(sort $(wildcard impl/main/*.c))
PROGS := $(patsubst impl/main/%.c,$(BUILD)/%,$(PROG_SRCS))
UNIT_SRCS := $(sort $(wildcard impl/tests/unit/test_*.c))
FUZZ_TARGETS := $(sort $(patsubst fuzz/%/harness.c,%,$(wildcard fuzz/*/harness.c)))

REL_OBJS := $(patsubst %.c,$(BUILD)/obj/rel/%.o,$(LIB_SRCS))
SAN_OBJS := $(patsubst %.c,$(BUILD)/obj/san/%.o,$(LIB_SRCS))

-include proofs/units/*.mk
# Fragments that own their own targets: tools/*.mk (benchmarks), conformance/*.mk.
-include tools/*.mk conformance/*.mk
EXTRA_PROGS := $(if $(wildcard conformance/src/*.c),$(BUILD)/xbconform) \
               $(if $(wildcard tools/xbbench/*.c),$(BUILD)/xbbench) $(BUILD)/engine-bench

.PHONY: all deps help check unit proofs proof proof-vars proofs-mutants trace \
        fuzz fuzz-build fuzz-smoke fuzz-regress test-integration run clean

all: $(BUILD)/libxb.a $(PROGS) $(BUILD)/test/unit $(EXTRA_PROGS)

help:
	@echo "make               build everything into build/"
	@echo "make run           build, install missing packages, start the bridge (see README)"
	@echo "make check         unit tests (ASan+UBSan), proofs, traceability, integration,"
	@echo "                   conformance + its mutants, fuzz replay + smoke"
	@echo "make conform-mutants  each seeded fault of conformance/mutants.txt must fail xbconform"
	@echo "make unit          Check unit tests only"
	@echo "make proofs        Frama-C/WP on every proof unit; fails unless 100 % proved"
	@echo "make proof UNIT=u  one proof unit (units: $(PROOF_UNITS))"
	@echo "make proofs-mutants  each proofs/mutants/*.patch must make its proof fail"
	@echo "make trace         requirement coverage table (tools/trace --full)"
	@echo "make fuzz TARGET=t SECONDS=n   AFL++ campaign (targets: $(FUZZ_TARGETS))"
	@echo "make fuzz-smoke    short AFL++ run of every target"
	@echo "make fuzz-regress  replay fuzz/regressions and seed corpora under ASan+UBSan"
	@echo "make clean"

deps:
	@bash tools/deps.sh

# ------------------------------------------------------------------ library and programs
$(BUILD)/obj/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_XB) $(CFLAGS_REL) -c $< -o $@

$(BUILD)/obj/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_XB) $(CFLAGS_SAN) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/libxb.a: $(REL_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libxb-san.a: $(SAN_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/rel/impl/main/%.o $(BUILD)/libxb.a
	$(CC) $(CFLAGS_REL) $< $(BUILD)/libxb.a $(LDLIBS_XB) -o $@

# ------------------------------------------------------------------ unit tests
# One runner for every suite: the suite list is generated from the test sources.
$(BUILD)/test/suites.inc: $(UNIT_SRCS) Makefile
	@mkdir -p $(@D)
	@grep -ho '^Suite \*xb_suite_[A-Za-z0-9_]*(void)' $(UNIT_SRCS) /dev/null | \
	  sed -E 's/^Suite \*(xb_suite_[A-Za-z0-9_]*)\(void\)/XB_SUITE(\1)/' | sort -u > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/san/impl/tests/unit/main.o: $(BUILD)/test/suites.inc
$(BUILD)/obj/san/impl/tests/unit/main.o: CPPFLAGS_XB += -I$(BUILD)/test

UNIT_OBJS := $(patsubst %.c,$(BUILD)/obj/san/%.o,$(UNIT_SRCS) impl/tests/unit/main.c)
# A suite function is declared only by the generated runner: no prototype in its file.
$(UNIT_OBJS): CFLAGS_SAN += -Wno-missing-prototypes

$(BUILD)/test/unit: $(UNIT_OBJS) $(BUILD)/libxb-san.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(UNIT_OBJS) $(BUILD)/libxb-san.a $(CHECK_LIBS) $(LDLIBS_XB) -o $@

unit: $(BUILD)/test/unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  CK_FORK=yes $(BUILD)/test/unit

# ------------------------------------------------------------------ proofs
# Sessions and caches live in proofs/wp/<unit>/ (committed: reruns and CI replay the
# results of unchanged goals; a changed goal is proved again).
proof-vars:
	@echo $(PROOF_$(UNIT)_$(VAR))

proof:
	@test -n "$(UNIT)" || { echo "usage: make proof UNIT=<$(PROOF_UNITS)>"; exit 2; }
	@tools/wp-run.sh $(UNIT) $(BUILD)/proofs proofs/wp/$(UNIT) "$(PROOF_$(UNIT)_SRCS)" "$(PROOF_$(UNIT)_FLAGS)"
	@tools/wp-table.py $(BUILD)/proofs/$(UNIT).json

# WP spends most of a unit's time in its own goal generation and simplifier (Qed), one
# core per Frama-C: units run PROOF_JOBS at a time, each with one prover process.
PROOF_JOBS ?= 2
proofs:
	@test -n "$(PROOF_UNITS)" || { echo "proofs: no proof units declared"; exit 1; }
	@rm -f $(BUILD)/proofs/*.json
	@# Longest first (PROOF_<u>_COST, measured), so that no long unit starts last.
	@printf '%s\n' $(foreach u,$(PROOF_UNITS),$(or $(PROOF_$(u)_COST),0):$(u)) | sort -t: -k1,1nr | \
	  cut -d: -f2 | WP_PAR=$${WP_PAR:-1} xargs -P $(PROOF_JOBS) -I{} sh -c \
	  'echo "proof unit {}"; tools/wp-run.sh {} $(BUILD)/proofs proofs/wp/{} \
	     "$$($(MAKE) -s proof-vars UNIT={} VAR=SRCS)" "$$($(MAKE) -s proof-vars UNIT={} VAR=FLAGS)"'
	@tools/wp-table.py $(BUILD)/proofs/*.json

proofs-mutants:
	@PROOF_JOBS=$(PROOF_JOBS) tools/proof-mutants.sh

# ------------------------------------------------------------------ traceability
trace:
	@tools/trace --full --table $(BUILD)/trace.txt

# ------------------------------------------------------------------ fuzzing
FUZZ_INC := -include fuzz/drivers/xb_fuzz.h
AFL_CFLAGS := -O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iimpl -w
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/replay/%,$(FUZZ_TARGETS))
FUZZ_AFL := $(patsubst %,$(BUILD)/fuzz/afl/%,$(FUZZ_TARGETS))
FUZZ_CMPLOG := $(patsubst %,$(BUILD)/fuzz/cmplog/%,$(FUZZ_TARGETS))
FUZZ_LIBFUZZER := $(patsubst %,$(BUILD)/fuzz/libfuzzer/%,$(FUZZ_TARGETS))

$(BUILD)/fuzz/replay/%: fuzz/%/harness.c fuzz/drivers/replay_driver.c $(BUILD)/libxb-san.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -Wno-missing-prototypes -Iimpl $(FUZZ_INC) fuzz/$*/harness.c \
	  fuzz/drivers/replay_driver.c $(BUILD)/libxb-san.a $(LDLIBS_XB) -o $@

$(BUILD)/fuzz/afl/%: fuzz/%/harness.c fuzz/drivers/afl_driver.c $(LIB_SRCS)
	@mkdir -p $(@D)
	AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 afl-clang-fast $(AFL_CFLAGS) $(FUZZ_INC) \
	  fuzz/$*/harness.c fuzz/drivers/afl_driver.c $(LIB_SRCS) $(LDLIBS_XB) -o $@

$(BUILD)/fuzz/cmplog/%: fuzz/%/harness.c fuzz/drivers/afl_driver.c $(LIB_SRCS)
	@mkdir -p $(@D)
	AFL_LLVM_CMPLOG=1 AFL_QUIET=1 afl-clang-fast $(AFL_CFLAGS) $(FUZZ_INC) \
	  fuzz/$*/harness.c fuzz/drivers/afl_driver.c $(LIB_SRCS) $(LDLIBS_XB) -o $@

$(BUILD)/fuzz/libfuzzer/%: fuzz/%/harness.c $(LIB_SRCS)
	@mkdir -p $(@D)
	clang $(AFL_CFLAGS) -fsanitize=fuzzer,address,undefined $(FUZZ_INC) \
	  fuzz/$*/harness.c $(LIB_SRCS) $(LDLIBS_XB) -o $@

fuzz-build: $(FUZZ_AFL) $(FUZZ_CMPLOG) $(FUZZ_REPLAY)

# Every crash ever found, and every seed, must run clean under ASan and UBSan.
fuzz-regress: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/regressions/$$t; \
	  printf 'fuzz-regress %-10s ' $$t; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(BUILD)/fuzz/replay/$$t fuzz/regressions/$$t fuzz/$$t/corpus; \
	done

# At most about a minute in all, shared between the targets.
FUZZ_SMOKE_TOTAL ?= 50
fuzz-smoke: $(FUZZ_AFL)
	@n=$(words $(FUZZ_TARGETS)); test $$n -gt 0 || { echo "fuzz-smoke: no targets"; exit 1; }; \
	 s=$$(( $(FUZZ_SMOKE_TOTAL) / n )); test $$s -ge 5 || s=5; \
	 set -e; for t in $(FUZZ_TARGETS); do tools/fuzz-run.sh $$t $$s smoke; done

TARGET ?=
SECONDS ?= 600
fuzz:
	@test -n "$(TARGET)" || { echo "usage: make fuzz TARGET=<$(FUZZ_TARGETS)> SECONDS=n"; exit 2; }
	@$(MAKE) -s $(BUILD)/fuzz/afl/$(TARGET) $(BUILD)/fuzz/cmplog/$(TARGET) $(BUILD)/fuzz/replay/$(TARGET)
	@tools/fuzz-run.sh $(TARGET) $(SECONDS) campaign

# ------------------------------------------------------------------ integration
test-integration: all
	@if [ -x impl/tests/integration/run.sh ]; then XB_BUILD=$(abspath $(BUILD)) impl/tests/integration/run.sh; \
	 else echo "test-integration: no integration tests yet"; fi

# ------------------------------------------------------------------ the whole check
# Conformance areas whose feature has not landed yet; tools/trace-pending.txt names their
# files so that their citations do not count as coverage meanwhile.
CONFORM_SKIP ?=
comma := ,
# Each stage of `make check` is announced with the time elapsed since the check began,
# so that a CI log shows where its minutes go (CI allows 45 in all).
check_stage = echo "== $(1)   [$$(( $$(date +%s) - $$(cat $(BUILD)/check.t0) )) s]"
check: deps
	@mkdir -p $(BUILD) && date +%s > $(BUILD)/check.t0
	@$(MAKE) -s all
	@$(call check_stage,unit tests (Check$(comma) ASan + UBSan))
	@$(MAKE) -s unit
	@$(call check_stage,proofs (Frama-C/WP$(comma) z3 + cvc4))
	@$(MAKE) -s proofs
	@$(call check_stage,proof mutants (each must make its proof fail))
	@$(MAKE) -s proofs-mutants
	@$(call check_stage,traceability)
	@tools/trace --table $(BUILD)/trace.txt
	@$(call check_stage,integration)
	@$(MAKE) -s test-integration
	@$(call check_stage,conformance (xbconform against a freshly started reference bridge))
	@$(MAKE) -s conform-ref CONFORM_ARGS="$(if $(CONFORM_SKIP),--skip $(CONFORM_SKIP))"
	@$(call check_stage,conformance mutants (each seeded fault must fail the suite))
	@# No seeded fault is in the TLS layer: the mutants run the suite over plain TCP only.
	@CONFORM_TLS=0 $(MAKE) -s conform-mutants CONFORM_ARGS="$(if $(CONFORM_SKIP),--skip $(CONFORM_SKIP))"
	@$(call check_stage,fuzz regressions (replay under ASan + UBSan))
	@$(MAKE) -s fuzz-regress
	@$(call check_stage,fuzz smoke (AFL++))
	@$(MAKE) -s fuzz-smoke
	@$(call check_stage,make check: all passed)

run: deps all
	@if [ -x $(BUILD)/xbridge ]; then exec tools/run.sh; \
	 else echo "make run: the bridge (build/xbridge) is not built yet: issue #5 adds it" >&2; exit 1; fi

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
