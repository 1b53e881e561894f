# The two commands of the README and a few conveniences. CMake does the building;
# this file only chains the steps. `make run` serves the demo; `make test` runs every test.
BUILD    ?= build
RELEASE  ?= build-release
DB       ?= cryptoreg.db
LISTEN   ?= 127.0.0.1:8080
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run test build release deps bench format clean

run: release
	./$(RELEASE)/cryptoreg --db $(DB) init
	./$(RELEASE)/cryptoreg --db $(DB) demo --if-empty
	@if [ -f $(DB).demo-logins.txt ]; then \
	  echo; echo "demo logins (user, password, role, binding) from $(DB).demo-logins.txt:"; \
	  sed 's/^/  /' $(DB).demo-logins.txt; echo; fi
	@echo "serving http://$(LISTEN)/ (console at /console/); stop with Ctrl-C"
	./$(RELEASE)/cryptoreg --db $(DB) serve --listen $(LISTEN) --web-root web

# The sanitizer build (ASan + UBSan) that the whole suite runs under.
build:
	scripts/deps.sh test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug -DCRYPTOREG_SANITIZE=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

release:
	scripts/deps.sh build
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DCRYPTOREG_SANITIZE=OFF >/dev/null
	cmake --build $(RELEASE) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 300

bench:
	scripts/deps.sh bench
	bench/enterprise-lookup.sh
	bench/certificate-lookup.sh
	bench/tlog.sh
	bench/filing.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(RELEASE)
