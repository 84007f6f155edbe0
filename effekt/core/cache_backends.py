"""Django's Redis cache, with one Redis client per connection pool instead of one per call, and
a channel to publish on and subscribe to (the page cache's data version: effekt/core/cache.py).

Django's RedisCacheClient makes a new `redis.Redis` for every cache operation, and redis-py
fills a table of some 170 response callbacks for each: about 0.13 ms of CPU, most of what a read
of the page cache's data version costs (a hit of a cached page took 0.42 ms in all). The client
is thread-safe and holds nothing but its pool, so it is made once per pool.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


CONFIRMATION_SECONDS = 1  # as long as Effekt's client waits for Redis (settings: socket_timeout)


class SubscriptionLost(Exception):
    """The subscription's connection broke: what was published meanwhile is not known."""


class Subscription:
    """A subscription to one channel, asked without waiting whether anything was published.

    Made once its subscription is confirmed: whatever is published after that reaches it. Should
    its connection break (a restarted Redis), redis-py connects again by itself; messages may
    have been missed meanwhile, so `published` then raises SubscriptionLost.
    """

    def __init__(self, client, channel):
        self._pubsub = client.pubsub()
        try:
            self._pubsub.subscribe(channel)
            confirmed = self._pubsub.get_message(timeout=CONFIRMATION_SECONDS)
            if not confirmed or confirmed["type"] != "subscribe":
                raise SubscriptionLost(f"The subscription to {channel!r} was not confirmed.")
        except BaseException:
            self._pubsub.close()
            raise
        self._lost = False
        self._pubsub.connection.register_connect_callback(self._connected_again)

    def _connected_again(self, connection):
        self._lost = True

    def published(self) -> bool:
        """Was anything published since the subscription was made or this was last asked?"""
        found = False
        while self._pubsub.get_message(timeout=0) is not None:
            found = True
        if self._lost:
            raise SubscriptionLost("The subscription's connection was made anew.")
        return found

    def close(self):
        self._pubsub.close()


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def publish(self, channel):
        """Publish an empty message on the channel (on the server written to)."""
        self._cache.get_client(write=True).publish(self.make_key(channel), b"")

    def subscribe(self, channel) -> Subscription:
        return Subscription(self._cache.get_client(write=True), self.make_key(channel))
