"""The marriage-registration counter client (婚姻登记窗口客户端)."""

__version__ = "0.1.0"
