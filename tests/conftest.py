# The throwaway PostgreSQL server (tests/postgres.py) serves every test directory; pytester runs
# small inner sessions to check what fixtures do after a test ends.
pytest_plugins = ["pytester", "tests.postgres"]
