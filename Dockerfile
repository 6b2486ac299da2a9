# syntax=docker/dockerfile:1
# One image for every service of the product (MLflow server, trainer, scoring service, dashboard, drift monitor); the
# command differs. BASE_IMAGE: any Debian-based image with Python 3.11 and venv (`python` on PATH); the default comes
# from a registry, deploy/local-images.sh passes a base made from Debian's archive where no registry is reachable.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The pinned dependencies first, in their own layer: a change of the product's code reuses it.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
      > requirements.txt \
 && pip install -r requirements.txt
COPY README.md ./
COPY proto proto
COPY common common
COPY training training
COPY registry registry
COPY scoring_service scoring_service
COPY dash_app dash_app
COPY drift drift
# The gRPC code is generated here from proto/ (.dockerignore leaves the checked-in copy out), then the product is
# installed, not editable. Byte code stays compiled: every start and every health probe would compile it again.
RUN python -m scoring_service.codegen \
 && pip install --no-deps . \
 && find /opt/venv -type d -path '*site-packages/*/tests' -prune -exec rm -rf {} +

FROM ${BASE_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# tini as PID 1 forwards SIGTERM (a Python PID 1 without a handler ignores it) and reaps children.
RUN if ! command -v tini >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --create-home --uid 10001 app \
 && mkdir -p /data /mlartifacts && chown app:app /data /mlartifacts
COPY --from=build /opt/venv /opt/venv
USER app
WORKDIR /home/app
VOLUME ["/data"]
EXPOSE 5000 8050 9100 50051
ENTRYPOINT ["tini", "--"]
CMD ["python", "-m", "scoring_service"]
