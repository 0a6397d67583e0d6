# Study bot: a small image that runs `python -m bot` as a non-root user, data on a volume.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY emulator ./emulator
# The same install command as the README: the project, its dependencies pinned by the lock file.
RUN pip install -c requirements.lock .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/studybot.sqlite3 \
    HEALTH_FILE=/tmp/studybot-health
RUN useradd --create-home --uid 10001 studybot \
    && mkdir /data && chown studybot:studybot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=studybot:studybot data/banks ./data/banks
COPY --chown=studybot:studybot bot ./bot
COPY --chown=studybot:studybot cogs ./cogs
USER studybot
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot"]
