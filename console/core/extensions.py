"""Extension objects, created here and bound to the app in the factory."""

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

# The async mode is chosen when the app is bound (threading, or gevent under gunicorn).
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
