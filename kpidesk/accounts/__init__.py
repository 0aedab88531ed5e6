"""Accounts of a workspace: users and their roles, passwords (argon2id), log-in rate limit, server-side
sessions with their CSRF tokens, and API tokens, in `accounts.sqlite` beside the warehouse.

    store = AccountStore.of_workspace("acme")
    store.add_user("dana", "a long passphrase", "manager", teams=["billing"])
    user = store.verify_password("dana", "a long passphrase", client="203.0.113.7")
    token = store.start_session(user, client="203.0.113.7")
"""

from kpidesk.accounts._database import ACCOUNTS_FILE, SCHEMA_VERSION
from kpidesk.accounts._demo import DEMO_USERS, demo_users
from kpidesk.accounts._errors import AccountError, TooManyAttempts
from kpidesk.accounts._passwords import (
    COMMON_PASSWORDS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_policy,
)
from kpidesk.accounts._rate_limit import RateLimit
from kpidesk.accounts._sessions import SessionPolicy
from kpidesk.accounts._store import AccountStore
from kpidesk.accounts._tokens import TOKEN_PREFIX, ApiToken
from kpidesk.accounts._users import ROLES, User

__all__ = [
    "ACCOUNTS_FILE",
    "COMMON_PASSWORDS",
    "DEMO_USERS",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "SCHEMA_VERSION",
    "TOKEN_PREFIX",
    "AccountError",
    "AccountStore",
    "ApiToken",
    "RateLimit",
    "SessionPolicy",
    "TooManyAttempts",
    "User",
    "check_policy",
    "demo_users",
]
