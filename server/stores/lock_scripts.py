"""The Redis keys of a conversation's ticket lock, and the Lua scripts that change them.

For each conversation (``{prefix}:{<conversation>}``, one hash slot per conversation):

* ``...:seq`` -- the ticket counter; ``INCR`` issues the next number, so the order
  of service is the order of ``INCR`` (FIFO);
* ``...:queue`` -- sorted set of the waiting and serving tickets, score = ticket number;
* ``...:t:<n>`` -- one key per ticket holding a random token, with a TTL (its
  lease), so the ticket of a crashed instance lapses on its own.

Issuing (INCR + ticket key + ZADD), "drop lapsed tickets from the head of the
queue, then: is mine the lowest live ticket?", renewing and finishing (delete the
ticket key + ZREM, and delete the counter and queue once nobody is left) are each
one script, so no other instance can slip in between the steps. Tokens make sure
an instance that overran its lease cannot finish someone else's ticket. Counter
and queue get an expiry at least as long as any of their tickets' (renewed at
every issue and poll), so an idle conversation leaves no keys behind.
"""

from __future__ import annotations

from typing import Any, Dict, List

# Counter and queue outlive their longest ticket by this much (milliseconds).
IDLE_MARGIN_MS = 60_000


def _keep_alive(idle_arg: int) -> str:
    """Lua: counter and queue live at least ARGV[idle_arg] ms more."""
    return f"""
local idle = tonumber(ARGV[{idle_arg}])
if redis.call('PTTL', KEYS[1]) < idle then
  redis.call('PEXPIRE', KEYS[1], idle)
  redis.call('PEXPIRE', KEYS[2], idle)
end
"""


# Lua: counter and queue go once no ticket is left.
_FORGET_WHEN_EMPTY = """
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
"""

# KEYS: seq, queue. ARGV: ticket key prefix, token, lease ms, idle ms. Returns the ticket number.
ISSUE = (
    """
local n = redis.call('INCR', KEYS[1])
redis.call('SET', ARGV[1] .. n, ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], n, n)
"""
    + _keep_alive(4)
    + """
return n
"""
)

# KEYS: seq, queue. ARGV: ticket key prefix, ticket number, token, lease ms, idle ms.
# Returns 1: served (lock held), 0: wait, -1: the ticket lapsed or is gone.
ACQUIRE = (
    """
local mine = ARGV[1] .. ARGV[2]
if redis.call('GET', mine) ~= ARGV[3] or not redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return -1
end
local result = 0
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head == ARGV[2] then
    result = 1
    break
  end
  if redis.call('EXISTS', ARGV[1] .. head) == 1 then
    break
  end
  redis.call('ZREM', KEYS[2], head)
end
redis.call('PEXPIRE', mine, ARGV[4])
"""
    + _keep_alive(5)
    + """
return result
"""
)

# KEYS: the ticket's key. ARGV: token, lease ms. Extends a ticket that is still ours.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: seq, queue. ARGV: ticket key prefix, ticket number, token ('' = whoever holds it).
# Returns 1 if the ticket was ours and is now finished, else 0.
RELEASE = (
    """
local mine = ARGV[1] .. ARGV[2]
local finished = 0
if ARGV[3] == '' or redis.call('GET', mine) == ARGV[3] then
  redis.call('DEL', mine)
  redis.call('ZREM', KEYS[2], ARGV[2])
  finished = 1
end
for _, n in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. n) == 0 then
    redis.call('ZREM', KEYS[2], n)
  end
end
"""
    + _FORGET_WHEN_EMPTY
    + """
return finished
"""
)

# KEYS: seq, queue. ARGV: ticket key prefix. Drops lapsed tickets; returns the live ones
# as a flat list: number, remaining ms, number, remaining ms, ...
LIVE = (
    """
local live = {}
for _, n in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local ttl = redis.call('PTTL', ARGV[1] .. n)
  if ttl < 0 then
    redis.call('ZREM', KEYS[2], n)
  else
    table.insert(live, tonumber(n))
    table.insert(live, ttl)
  end
end
"""
    + _FORGET_WHEN_EMPTY
    + """
return live
"""
)

SCRIPTS = {"issue": ISSUE, "acquire": ACQUIRE, "release": RELEASE, "live": LIVE, "renew": RENEW}


def ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class Keys:
    """The keys of one conversation's lock, and each script's arguments for them."""

    def __init__(self, prefix: str, conversation_id: str) -> None:
        base = f"{prefix}:{{{conversation_id}}}"
        self.seq_and_queue: List[str] = [f"{base}:seq", f"{base}:queue"]
        # What a ticket's key starts with; its number follows.
        self.tickets = f"{base}:t:"

    def issue(self, token: str, lease: float) -> Dict[str, Any]:
        return dict(keys=self.seq_and_queue, args=[self.tickets, token, ms(lease), ms(lease) + IDLE_MARGIN_MS])

    def acquire(self, number: int, token: str, lease: float) -> Dict[str, Any]:
        return dict(keys=self.seq_and_queue, args=[self.tickets, number, token, ms(lease), ms(lease) + IDLE_MARGIN_MS])

    def renew(self, number: int, token: str, lease: float) -> Dict[str, Any]:
        return dict(keys=[self.tickets + str(number)], args=[token, ms(lease)])

    def release(self, number: int, token: str) -> Dict[str, Any]:
        return dict(keys=self.seq_and_queue, args=[self.tickets, number, token])

    def live(self) -> Dict[str, Any]:
        return dict(keys=self.seq_and_queue, args=[self.tickets])
