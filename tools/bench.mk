# tools/bench.mk — xbbench, the MQTT load generator (tools/xbbench/, independent of
# impl/ so it can measure any MQTT server), and `make bench`, which runs the same
# scenarios against xbridge and mosquitto and prints a comparison table (tools/bench.sh).
# BENCH_ARGS passes options to tools/bench.sh (e.g. BENCH_ARGS="--duration 2").

.PHONY: bench

XBBENCH_SRCS := $(sort $(wildcard tools/xbbench/*.c))
XBBENCH_HDRS := $(wildcard tools/xbbench/*.h)

$(BUILD)/xbbench: $(XBBENCH_SRCS) $(XBBENCH_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_REL) $(XBBENCH_SRCS) -lssl -lcrypto -o $@

# deps first (mosquitto, openssl), as `make run` and `make check` do.
bench: deps
	@$(MAKE) -s $(BUILD)/xbbench $(BUILD)/xbridge $(BUILD)/xbadmin
	@bash tools/bench.sh $(BUILD) $(BENCH_ARGS)
