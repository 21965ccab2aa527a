"""Extension objects, created here and bound to the app in the factory."""

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

# threading + simple-websocket, as Flask-SocketIO's maintainer recommends; never eventlet.
socketio = SocketIO(async_mode="threading")
login_manager = LoginManager()
csrf = CSRFProtect()
