"""The Dockerfile and compose file have the properties operators rely on (no Docker engine here)."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path, PurePosixPath

import yaml

ROOT = Path(__file__).resolve().parents[1]


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def stages(text: str) -> list[str]:
    return re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)


def test_multi_stage_small_base_non_root_volume_healthcheck() -> None:
    text = dockerfile()
    assert len(stages(text)) >= 2
    assert all("slim" in s or "alpine" in s for s in stages(text))
    final = text[text.rindex("FROM") :]
    assert re.search(r"^USER\s+(?!root)\S+", final, re.MULTILINE)
    assert 'VOLUME ["/data"]' in final
    assert "DATABASE_PATH=/data/" in final
    assert re.search(
        r'^HEALTHCHECK .*\n?.*CMD \["python", "-m", "bot", "health"\]', final, re.MULTILINE
    )
    assert 'CMD ["python", "-m", "bot"]' in final


def test_docker_installs_the_way_the_readme_does_from_pinned_versions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -c requirements.lock -e ." in readme
    assert "RUN pip install -c requirements.lock ." in dockerfile()
    pins = [
        line
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", p) for p in pins)
    names = {p.split("==")[0].lower() for p in pins}
    assert {"discord.py", "apscheduler", "aiosqlite", "pydantic-settings", "pyyaml"} <= names


def test_compose() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["studybot"]
    assert "profiles" not in service  # what `docker compose up` starts
    assert service["env_file"] == ".env"
    assert service["init"] is True
    assert service["restart"] == "unless-stopped"
    assert any(v.endswith(":/data") for v in service["volumes"])
    assert service["logging"]["options"]["max-size"]
    assert compose["volumes"]


def test_compose_postgres_profile_runs_two_shards_on_one_database() -> None:
    from bot.config import Settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    database = services["postgres"]
    assert database["profiles"] == ["postgres"]
    assert database["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(database["healthcheck"]["test"])
    assert any(v.startswith("postgres-data:") for v in database["volumes"])
    urls, shards = set(), []
    for name in ("shard-0", "shard-1"):
        shard = services[name]
        assert shard["profiles"] == ["postgres"]
        assert shard["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert shard["env_file"] == ".env" and shard["restart"] == "unless-stopped"
        env = shard["environment"]
        urls.add(env["DATABASE_URL"])
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=env["DATABASE_URL"].replace(
                "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "pw"
            ),
            shard_count=env["SHARD_COUNT"],
            shard_ids=env["SHARD_IDS"],
        )
        shards.append(settings.shards())
        assert str(settings.database()).startswith("postgresql://studybot:pw@postgres/")
    assert len(urls) == 1  # one database for both
    assert [s.ids for s in shards] == [(0,), (1,)] and {s.count for s in shards} == {2}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docker compose --profile postgres up -d postgres shard-0 shard-1" in readme


def test_env_example_documents_every_setting() -> None:
    from bot.config import Settings

    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert name.upper() in text, name
    for line in text.splitlines():
        if re.match(r"#?\s*[A-Z_]+=", line):
            index = text.splitlines().index(line)
            assert text.splitlines()[index - 1].startswith("#"), line  # a comment per setting


def test_gitignore_keeps_secrets_and_databases_out() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".venv/" in ignored
    assert any(p.startswith("*.sqlite3") for p in ignored)


def final_stage(text: str) -> str:
    return text[text.rindex("FROM") :]


def test_base_image_is_pinned_by_version_and_digest() -> None:
    images = stages(dockerfile())
    assert len(set(images)) == 1, images  # both stages: the same Python
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", images[0])


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    text = dockerfile()
    build = text[: text.rindex("FROM")]
    lock, deps, code = (
        build.index("COPY requirements.lock"),
        build.index("RUN pip install -r requirements.lock"),
        build.index("COPY bot"),
    )
    assert lock < deps < code
    assert "COPY . " not in text  # the whole context would invalidate the cache on any change


def test_runtime_image_has_one_copy_of_the_code_owned_by_root_and_no_pip() -> None:
    from bot.bank import loader

    final = final_stage(dockerfile())
    assert not re.search(r"^COPY .*\b(bot|cogs)\b", final, re.MULTILINE)  # only the installed one
    assert "--chown" not in final  # the bot cannot rewrite its own code
    assert re.search(r"pip uninstall -y -q pip", dockerfile()[: dockerfile().rindex("FROM")])
    assert re.search(r"pip uninstall -y -q pip setuptools wheel", final)
    assert "COPY --from=build /opt/venv /opt/venv" in final
    # the installed package finds the bundled banks where BUNDLED_BANKS points
    source = Path(loader.__file__).resolve()
    installed = PurePosixPath("/opt/venv/lib/python3.11/site-packages") / source.relative_to(ROOT)
    banks = installed.parents[2] / loader.BUNDLED_BANKS.relative_to(source.parents[2]).as_posix()
    assert f"COPY data/banks {banks}\n" in final


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rules, as far as this file uses them: the last match wins, a
    pattern matches a path or any folder above it, ``**/`` matches any depth."""
    parts = path.split("/")
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        for n in range(1, len(parts) + 1):
            prefix = "/".join(parts[:n])
            deep = pattern.startswith("**/") and any(
                fnmatch.fnmatchcase("/".join(parts[k:n]), pattern[3:]) for k in range(n)
            )
            if deep or fnmatch.fnmatchcase(prefix, pattern):
                result = not negate
                break
    return result


def test_dockerignore_keeps_secrets_and_clutter_out_and_lets_the_sources_in() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (
        ".env",
        ".venv/bin/python",
        ".git/HEAD",
        "data/studybot.sqlite3",
        "data/studybot.sqlite3-wal",
        "backups/x.sqlite3",
        "bot/__pycache__/cli.pyc",
        "tests/test_packaging.py",
        "bench/__main__.py",
    ):
        assert ignored(path, patterns), path
    sources = re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile(), re.MULTILINE)
    needed = [s.rstrip("/") for line in sources for s in line.split()]
    for path in [*needed, "bot/cli.py", "bot/db/migrations/001_initial.sql", "emulator/spec"]:
        assert (ROOT / path).exists(), path
        assert not ignored(path, patterns), path


def test_health_check_timing_agrees_with_the_code_and_the_readme() -> None:
    from bot.cli import HEALTH_MAX_AGE
    from bot.discord_glue.client import HEARTBEAT_SECONDS

    check = re.search(r"HEALTHCHECK --interval=(\d+)s .*--retries=(\d+)", dockerfile())
    assert check
    interval, retries = int(check[1]), int(check[2])
    assert HEALTH_MAX_AGE >= 2 * HEARTBEAT_SECONDS  # a late heartbeat is no false alarm
    disconnected = interval * retries  # the health file is removed on a disconnect
    stuck = HEALTH_MAX_AGE + interval * retries
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if "shows unhealthy" in line]
    assert f"disconnected from Discord for {disconnected} s" in row, row
    assert f"stuck for {stuck / 60:.0f} minutes" in row, row


def test_compose_waits_for_a_clean_stop_and_backups_work_in_the_container() -> None:
    from bot.runner import STOP_GRACE

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["studybot"]
    grace = re.fullmatch(r"(\d+)s", service["stop_grace_period"])
    assert grace and int(grace[1]) >= 10 * STOP_GRACE
    final = final_stage(dockerfile())
    assert re.search(r"^WORKDIR /data$", final, re.MULTILINE)  # relative paths land on the volume
    assert "mkdir -p /data/backups && chown -R studybot:studybot /data" in final
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docker compose exec studybot python -m bot db backup backups/" in readme
    assert "docker compose cp studybot:/data/backups/" in readme
