"""Extension objects, created here unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_caching import Cache
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from solidarna.core.models import Base
from solidarna.core.tenancy import TenantSession

# Sessions check `get()` answered from the identity map against the current tenant too.
db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()
#: shared between processes with CACHE_TYPE=RedisCache (config.py); what is kept in it is
#: validated against the database by whoever reads it (directory/organizations/search.py)
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
