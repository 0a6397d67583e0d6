"""The Dockerfile and compose file have the properties operators rely on (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path

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
    (service,) = compose["services"].values()
    assert service["env_file"] == ".env"
    assert service["init"] is True
    assert service["restart"] == "unless-stopped"
    assert any(v.endswith(":/data") for v in service["volumes"])
    assert service["logging"]["options"]["max-size"]
    assert compose["volumes"]


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
