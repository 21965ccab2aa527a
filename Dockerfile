# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY console console
COPY channels channels
COPY crm crm
RUN pip install .
COPY package.json package-lock.json Makefile ./
# The same recipe as `make setup`: npm packages copied into static/vendor, never committed.
RUN make static/vendor/.stamp
COPY alembic.ini ./
COPY migrations migrations
COPY static static
COPY templates templates
# The message catalogues compiled here, as `make setup` does (the .mo files are not committed).
COPY translations translations
RUN pybabel -q compile -d translations && pybabel -q compile -D js -d translations
RUN pip install --no-deps -e . && useradd --create-home caseline && mkdir -p instance \
    && chown caseline instance
USER caseline
EXPOSE 5000
CMD ["caseline", "serve", "--host", "0.0.0.0", "--port", "5000"]
