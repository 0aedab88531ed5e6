from smtp_fixture import smtp_server

__all__ = ["smtp_server"]
