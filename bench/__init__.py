"""mocklambda's benchmarks, run with `python -m bench` (or `make bench`); never part of the test run.

What is measured, all in one run and all against 127.0.0.1:
1. latency: per-call time of trivial boto3 operations against mocklambda, against a bare loopback "floor"
   server that answers with a canned response, and (for context) against moto;
2. in-process startup: `MockServer().start()` to the first answered request;
3. CLI startup: `python -m mocklambda serve --port 0` to its ready line;
4. memory: RSS of an idle `mocklambda serve` process.

Results are printed as a table (each figure with its target and PASS/MISS) and written to
bench/results/latest.json. Every loop is bounded in count and in time; every process started is ended.
This package must not import mocklambda at module level: the first-start figure needs a fresh interpreter.
"""
