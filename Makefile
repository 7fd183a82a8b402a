# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_DEPS := g++ make cmake pkg-config git libcli11-dev libgit2-dev libpcre2-dev libyaml-cpp-dev \
  libtomlplusplus-dev libsqlitecpp-dev libsqlite3-dev libfmt-dev doctest-dev nlohmann-json3-dev zlib1g-dev \
  libre2-dev libpugixml-dev libssl-dev libcurl4-openssl-dev
RUN_DEPS := python3 python3-pytest python3-coverage black mypy bandit
TEST_DEPS := $(RUN_DEPS) bats golang-go procps gcovr cppcheck clang-format jq sqlite3 zsh fish curl

.PHONY: all build run test bench bench-deps deps test-deps format clean

all: build

# Installs only what dpkg says is missing, so a second call is quiet and needs no network.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	$(call apt_install,$(BUILD_DEPS) $(RUN_DEPS))

test-deps:
	$(call apt_install,$(BUILD_DEPS) $(TEST_DEPS))
	@if ! command -v cargo >/dev/null 2>&1 && ! [ -x "$$HOME/.cargo/bin/cargo" ]; then \
	  echo "installing: cargo rustfmt rust-clippy"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends cargo rustfmt rust-clippy >/dev/null; \
	fi

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(BUILD)/Makefile
	@cmake -S . -B $(BUILD) >/dev/null
	@$(MAKE) --no-print-directory -C $(BUILD) -j$(JOBS)

run: deps build
	@scripts/demo.sh $(BUILD)/factory

test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench: deps build bench-deps
	$(call apt_install,sqlite3)
	@$(MAKE) --no-print-directory -C $(BUILD) -j$(JOBS) bench_tcr bench_hook_latency bench_extract_throughput bench_audit
	$(BUILD)/bench/bench_tcr
	$(BUILD)/bench/bench_hook_latency
	$(BUILD)/bench/bench_extract_throughput
	$(BUILD)/bench/bench_audit

# The tools bench_hook_latency compares factory with, installed only when missing. An offline
# machine or an unreachable registry only skips their rows: it never fails the benchmark. npm runs
# in an empty directory: lefthook's postinstall would install its hooks into this checkout.
bench-deps:
	@command -v pre-commit >/dev/null 2>&1 || { echo "installing: pre-commit (apt)"; \
	  ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	   --no-install-recommends pre-commit >/dev/null) || echo "bench: pre-commit not installed; its row is skipped"; }
	@command -v lefthook >/dev/null 2>&1 || { echo "installing: lefthook (npm)"; \
	  (command -v npm >/dev/null 2>&1 && cd "$$(mktemp -d)" && timeout 300 $(SUDO) npm install -g --no-audit --no-fund lefthook >/dev/null 2>&1) \
	  || echo "bench: lefthook not installed (needs npm and its registry); its row is skipped"; }

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'bench/*.cpp')

clean:
	rm -rf $(BUILD)
