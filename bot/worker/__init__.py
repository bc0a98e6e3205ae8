"""Jobs on a Celery queue over Redis, for more than one machine: the bot's side (runner.py sends jobs),
the worker's side (`copydesk worker`: tasks.py runs them with models loaded once per process), and the
Celery app both share (app.py). Without COPYDESK_BROKER_URL none of this is used."""
