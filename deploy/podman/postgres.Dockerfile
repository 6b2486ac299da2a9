# PostgreSQL 15 from Debian's archive, for running the compose stack where the registry's postgres image cannot be
# pulled. It behaves as the compose file expects of that image: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make
# the first cluster, *.sql files in /docker-entrypoint-initdb.d run once, the data lives in /var/lib/postgresql/data.
# Built by deploy/local-images.sh on the local Debian base.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p /var/lib/postgresql/data /docker-entrypoint-initdb.d \
 && chown postgres:postgres /var/lib/postgresql/data && chmod 700 /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
# The server's socket in /tmp; PGHOST lets pg_isready and psql (health check, init scripts) find it.
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data PGHOST=/tmp
USER postgres
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["tini", "--", "/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
