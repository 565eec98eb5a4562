# conformance/conform.mk — included by the top-level Makefile.
#
#   make build/xbconform     the black-box conformance checker (nothing from impl/)
#   make conform HOST=h PORT=p FIXTURE=f [TLS_PORT=p CAFILE=f] [CONFORM_ARGS=...]
#                            run it against any bridge
#   make conform-ref [CONFORM_ARGS=...]
#                            fresh store + fixture, reference bridge on a free port,
#                            the whole suite, bridge stopped (conformance/tools/conform-ref.sh)
#   make conform-list        every test with the spec IDs it checks
#
# CONFORM_ARGS passes options through, e.g. CONFORM_ARGS="--skip formats-csv,formats-xml -v".

CF_SRCS := $(sort $(wildcard conformance/src/*.c))
CF_OBJS := $(patsubst conformance/src/%.c,$(BUILD)/obj/conformance/%.o,$(CF_SRCS))
CF_CFLAGS = -O2 -g $(CSTD) $(WARN) $(CHECK_CFLAGS) -Iconformance/src -MMD -MP
CF_LIBS = $(CHECK_LIBS) -lssl -lcrypto

HOST ?= 127.0.0.1
PORT ?= 1883
FIXTURE ?=
TLS_PORT ?=
CAFILE ?=
CONFORM_ARGS ?=

.PHONY: xbconform conform conform-ref conform-list

$(BUILD)/obj/conformance/%.o: conformance/src/%.c
	@mkdir -p $(@D)
	$(CC) $(CF_CFLAGS) -c $< -o $@

# An explicit rule: wins over the build/<prog> pattern rule of impl/main programs.
$(BUILD)/xbconform: $(CF_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CF_CFLAGS) $(CF_OBJS) $(CF_LIBS) -o $@

xbconform: $(BUILD)/xbconform

-include $(CF_OBJS:.o=.d)

conform: $(BUILD)/xbconform
	@test -n "$(FIXTURE)" || { echo "usage: make conform HOST=h PORT=p FIXTURE=file [TLS_PORT=p CAFILE=f]"; exit 2; }
	$(BUILD)/xbconform --host $(HOST) --port $(PORT) --fixture $(FIXTURE) \
	  $(if $(TLS_PORT),--tls-port $(TLS_PORT) --cafile $(CAFILE)) $(CONFORM_ARGS)

conform-ref: $(BUILD)/xbconform $(BUILD)/xbridge $(BUILD)/xbadmin
	XB_BUILD=$(BUILD) conformance/tools/conform-ref.sh $(CONFORM_ARGS)

conform-list: $(BUILD)/xbconform
	@$(BUILD)/xbconform --list

# Seeded faults (conformance/mutants.txt): each must make the suite fail (issue #8).
.PHONY: conform-mutants
conform-mutants: $(BUILD)/libxb.a $(BUILD)/xbridge $(BUILD)/xbadmin $(BUILD)/xbconform
	@XB_BUILD=$(BUILD) XB_CC="$(CC)" XB_CFLAGS="-Iimpl $(CFLAGS_REL)" XB_LDLIBS="$(LDLIBS_XB)" \
	  conformance/tools/conform-mutants.sh $(CONFORM_ARGS)
