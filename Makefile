.PHONY: test demo package bench venv clean

venv:
	scripts/venv.sh

test:
	scripts/test.sh

demo: venv
	.venv/bin/python -m local.demo

package: venv
	.venv/bin/python -m local.package

bench: venv
	.venv/bin/python -m bench.run

clean:
	rm -rf dist .pytest_cache
