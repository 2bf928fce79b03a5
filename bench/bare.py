"""The bare Flask route that bench/load.py measures under the same gunicorn as the pages.

    gunicorn bare:app        (with bench/ on the Python path)

One route answering a short string: what gunicorn, the WSGI round trip and Flask's routing
cost on this machine, in this run. A page's figure divided by this one is what the
application adds; the ratio is steadier than the absolute figures on a busy machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
