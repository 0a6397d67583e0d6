# Study bot: a small image that runs `python -m bot` as a non-root user, data on a volume.
# Both stages start from one base image, pinned by version and digest (update them together).
FROM python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16 AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies first, from the lock file alone: a change to the code does not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY emulator ./emulator
# The same install command as the README: the project, its dependencies pinned by the lock file
# (already installed above). The installed package is the image's only copy of the code.
RUN pip install -c requirements.lock . \
    && python -m pip uninstall -y -q pip setuptools

FROM python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_PATH=/data/studybot.sqlite3 \
    HEALTH_FILE=/tmp/studybot-health
# No pip at run time; the code and the banks belong to root, so the bot cannot change them.
RUN python -m pip uninstall -y -q pip setuptools wheel \
    && useradd --create-home --uid 10001 studybot \
    && mkdir -p /data/backups && chown -R studybot:studybot /data
COPY --from=build /opt/venv /opt/venv
# Where the installed package looks for its bundled banks (bot/bank/loader.py: BUNDLED_BANKS).
COPY data/banks /opt/venv/lib/python3.11/site-packages/data/banks
# Relative paths (`db backup backups/...`) land on the volume, which the bot may write.
WORKDIR /data
USER studybot
VOLUME ["/data"]
# Unhealthy after 3 failed checks 30 s apart: disconnected for 90 s (the health file is removed
# on a disconnect), or stuck for 3 minutes (the file is older than --max-age, 90 s).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot"]
