# syntax=docker/dockerfile:1
# One image for every service of the product (trainer, scoring service, dashboard, drift monitor); the command differs.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY proto proto
COPY common common
COPY training training
COPY registry registry
COPY scoring_service scoring_service
COPY dash_app dash_app
COPY drift drift
# The gRPC code is generated inside the image from proto/, then the project is installed (not editable).
RUN pip install grpcio-tools==1.85.1 \
 && python -m scoring_service.codegen \
 && pip install . \
 && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} + \
 && find /opt/venv -name 'tests' -path '*site-packages/*/tests' -prune -exec rm -rf {} +

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app:app /data
COPY --from=build /opt/venv /opt/venv
USER app
WORKDIR /home/app
VOLUME ["/data"]
EXPOSE 50051 8050 9100
CMD ["python", "-m", "scoring_service"]
