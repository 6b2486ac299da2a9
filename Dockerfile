# syntax=docker/dockerfile:1
# One image for every service of the product (MLflow server, trainer, scoring service, dashboard, drift monitor); the
# command differs. The `spark` target is the same image with a Java runtime (the spark profile of docker-compose.yml). BASE_IMAGE: any Debian-based image with Python 3.11 and venv (`python` on PATH); the default comes
# from a registry, deploy/local-images.sh passes a base made from Debian's archive where no registry is reachable.
ARG BASE_IMAGE=python:3.11-slim

# The pinned dependencies, read from pyproject.toml: a change elsewhere in that file gives the same list, so the
# install below (minutes) is reused when only the product's code changed. pyspark is left out: Spark needs a Java
# runtime this image does not have, and its 456 MB source archive was most of the build (the spark profile's image,
# deploy/spark/Dockerfile, carries it with Java).
FROM ${BASE_IMAGE} AS requirements
COPY pyproject.toml /tmp/
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']; \
print(*(d for d in deps if not d.startswith('pyspark')), sep='\n')" > /requirements.txt

# What every service runs on: tini as PID 1 (it forwards SIGTERM, which a Python PID 1 without a handler ignores, and
# reaps children), the non-root user and the data folders.
FROM ${BASE_IMAGE} AS runtime-base
RUN if ! command -v tini >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --create-home --uid 10001 app \
 && mkdir -p /data /mlartifacts && chown app:app /data /mlartifacts

# The dependencies in a layer of their own, which the final image shares rather than copies (a copy of 1.8 GB was
# written and committed a second time).
FROM runtime-base AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
COPY --from=requirements /requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt
ENV PATH=/opt/venv/bin:$PATH

# The product: the gRPC code is generated here from proto/ (.dockerignore leaves the checked-in copy out), then the
# packages are installed, not editable, into a folder of their own. Byte code stays compiled: every start and every
# health probe would otherwise compile it again.
FROM deps AS product
WORKDIR /src
COPY pyproject.toml README.md ./
COPY proto proto
COPY common common
COPY training training
COPY registry registry
COPY scoring_service scoring_service
COPY dash_app dash_app
COPY drift drift
RUN python -m scoring_service.codegen \
 && pip install --no-deps --target /opt/product .

FROM deps AS runtime
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=product /opt/product /opt/venv/lib/python3.11/site-packages
USER app
WORKDIR /home/app
EXPOSE 5000 8050 9100 50051
ENTRYPOINT ["tini", "--"]
CMD ["python", "-m", "scoring_service"]

# The spark profile of docker-compose.yml (`target: spark`): the Spark master, the worker and the batch job's driver run
# the product's own packages (executors run the feature code and the model) on the Spark that pyspark ships
# (spark-class, spark-submit in /opt/venv/bin).
FROM runtime AS spark
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless procps \
 && rm -rf /var/lib/apt/lists/*
ENV PYSPARK_PYTHON=/opt/venv/bin/python SPARK_HOME=/opt/venv/lib/python3.11/site-packages/pyspark \
    SPARK_NO_DAEMONIZE=1
USER app
VOLUME ["/data"]
EXPOSE 7077 8080 8081
CMD ["spark-class", "org.apache.spark.deploy.master.Master"]

# The default target (`docker build .`, deploy/local-images.sh): the product's image.
FROM runtime AS app
