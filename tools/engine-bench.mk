# tools/engine-bench.mk — the API engine benchmark (tools/engine-bench.c), included by
# the top-level Makefile. `make bench-engine` builds and runs it; BENCH_ENGINE_ARGS
# passes options (e.g. BENCH_ENGINE_ARGS="-n 500000 -b 10,1000").

.PHONY: bench-engine

$(BUILD)/engine-bench: tools/engine-bench.c $(BUILD)/libxb.a
	@mkdir -p $(@D)
	$(CC) -Iimpl $(CFLAGS_REL) $< $(BUILD)/libxb.a $(LDLIBS_XB) -o $@

bench-engine: $(BUILD)/engine-bench
	$(BUILD)/engine-bench $(BENCH_ENGINE_ARGS)
