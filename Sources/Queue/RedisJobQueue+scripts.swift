import RedisClient

/// The Lua scripts behind every state change of ``RedisJobQueue``; each runs atomically and costs one round trip.
///
/// All take the same eight keys (one hash tag, so one cluster slot) and `ARGV[1]` = the job-hash key prefix:
/// KEYS[1] waiting (zset, score priority·10^12 + sequence: FIFO within a priority)  KEYS[2] delayed (zset, due time)
/// KEYS[3] active (zset, lease end)  KEYS[4] completed (zset, finish time)  KEYS[5] dead (zset, time)
/// KEYS[6] events (stream, capped)  KEYS[7] meta (hash: seq, paused, rate limit: rl_max, rl_window, rl_id, rl_count)
/// KEYS[8] notify (the doorbell list: one element while a job became waiting and no idle worker has popped it)
/// Negative results are refusals mapped by ``QueueError/fromScript(_:jobID:)``: -1 no such job, -2 lease not held,
/// -3 wrong state.
enum QueueScripts {
    static let helpers = """
        local prefix = ARGV[1]
        local function score(key)
          local prio, seq = unpack(redis.call('HMGET', key, 'prio', 'seq'))
          return tonumber(prio) * 1000000000000 + tonumber(seq)
        end
        -- Every move into waiting: state (plus any extra fields), then the waiting zset at the job's FIFO score,
        -- then the doorbell for idle workers (one element at most).
        local function makeWaiting(id, ...)
          redis.call('HSET', prefix .. id, 'state', 'waiting', ...)
          redis.call('ZADD', KEYS[1], score(prefix .. id), id)
          if redis.call('EXISTS', KEYS[8]) == 0 then redis.call('LPUSH', KEYS[8], '1') end
        end
        local function event(kind, id)
          redis.call('XADD', KEYS[6], 'MAXLEN', '~', '10000', '*', 'event', kind, 'id', id)
        end
        local function trim(set, keep, olderThan)
          local old = redis.call('ZRANGEBYSCORE', set, '-inf', olderThan, 'LIMIT', '0', '1000')
          for _, id in ipairs(old) do redis.call('DEL', prefix .. id) end
          if #old > 0 then redis.call('ZREM', set, unpack(old)) end
          local excess = math.min(redis.call('ZCARD', set) - keep, 1000)
          if excess > 0 then
            local ids = redis.call('ZRANGE', set, 0, excess - 1)
            for _, id in ipairs(ids) do redis.call('DEL', prefix .. id) end
            redis.call('ZREMRANGEBYRANK', set, 0, excess - 1)
          end
        end
        local function appendError(key, attempt, message, now)
          local entry = cjson.encode({attempt = tonumber(attempt), message = message, at = tonumber(now)})
          local errors = redis.call('HGET', key, 'errors')
          if errors == '[]' then errors = '[' .. entry .. ']' else errors = string.sub(errors, 1, -2) .. ',' .. entry .. ']' end
          redis.call('HSET', key, 'errors', errors)
        end
        -- The lease check, one HGET: every move out of active clears the token (complete, fail, release, snooze,
        -- stalled recovery) or deletes the job (remove), so a matching token means the job is active and held.
        local function held(key, token)
          local current = redis.call('HGET', key, 'token')
          if not current then return -1 end
          if current ~= token or token == '' then return -2 end
          return 0
        end

        """

    /// enqueue-8: ARGV[2] id or '' · [3] name · [4] payload · [5] priority · [6] max attempts · [7] timeout ms or ''
    /// · [8] now · [9] run-at · [10] backoff. Returns {id, 1 created | 0 existed}.
    static let enqueue = RedisScript(
        helpers + enqueueJob + """
            return enqueueJob(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
            """
    )

    static let enqueueJob = """
        local function enqueueJob(id, name, payload, prio, max, timeout, nowText, runatText, backoff)
          local seq = redis.call('HINCRBY', KEYS[7], 'seq', 1)
          if id ~= '' then
            if redis.call('EXISTS', prefix .. id) == 1 then return {id, 0} end
          else
            id = tostring(seq)
            while redis.call('EXISTS', prefix .. id) == 1 do
              seq = redis.call('HINCRBY', KEYS[7], 'seq', 1)
              id = tostring(seq)
            end
          end
          local key = prefix .. id
          local now, runat = tonumber(nowText), tonumber(runatText)
          redis.call('HSET', key, 'name', name, 'payload', payload, 'prio', prio, 'seq', seq, 'max', max,
            'timeout', timeout, 'runs', 0, 'fails', 0, 'stalls', 0, 'created', now, 'runat', runat, 'progress', 0,
            'errors', '[]', 'token', '', 'finished', '', 'backoff', backoff)
          if runat > now then
            redis.call('HSET', key, 'state', 'delayed')
            redis.call('ZADD', KEYS[2], runat, id)
          else
            makeWaiting(id)
          end
          event('added', id)
          return {id, 1}
        end

        """

    /// fireRepeat-9: KEYS[9] the schedules zset. ARGV[2] schedule key · [3] tick being fired · [4] next tick
    /// · [5..13] the enqueue arguments (id … backoff). Fires only if the schedule still waits for that tick, so
    /// of many workers racing for one tick exactly one enqueues. Returns 1 fired, 0 someone else did.
    static let fireRepeat = RedisScript(
        helpers + enqueueJob + """
            local current = redis.call('ZSCORE', KEYS[9], ARGV[2])
            if not current or tonumber(current) ~= tonumber(ARGV[3]) then return 0 end
            redis.call('ZADD', KEYS[9], ARGV[4], ARGV[2])
            enqueueJob(ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
            return 1
            """
    )

    /// finish-8: completes runs and claims jobs, any number of each, in one atomic step: `claim`, `complete`,
    /// `completeAndClaim` and the worker's batched completions are all this script.
    /// ARGV[2] now · [3] keep completed count · [4] keep completed age ms · [5] lease end for claims · [6] claims
    /// wanted · [7] the claims' lease token (one per call: a token is checked against its own job's hash, so jobs
    /// claimed together may share it, and the next claim of any of them gets a new one) · from [8] (id, token)
    /// pairs to complete. Numbers go to Redis as the strings they came in: Lua would format its doubles with printf.
    /// Returns {statuses, claimed, retry-after}: one status per pair (0 completed, -1 no such job, -2 lease not held);
    /// claimed = id, {the job's fields in ``Job/redisFields`` order}, id, {…} …, in claim order; retry-after > 0 when
    /// the rate limit held claims back (ms until its window ends). Paused or empty queues claim nothing. The limit is
    /// a fixed window over `now`: at most rl_max claims per rl_window ms, all workers.
    static let finish = RedisScript(
        helpers + """
            local now = ARGV[2]
            local statuses, done = {}, {}
            for i = 8, #ARGV - 1, 2 do
              local id, token = ARGV[i], ARGV[i + 1]
              local key = prefix .. id
              local status = held(key, token)
              statuses[#statuses + 1] = status
              if status == 0 then
                redis.call('HSET', key, 'state', 'completed', 'token', '', 'finished', now, 'progress', '100')
                event('completed', id)
                done[#done + 1] = id
              end
            end
            if #done > 0 then
              redis.call('ZREM', KEYS[3], unpack(done))
              local scored = {}
              for _, id in ipairs(done) do scored[#scored + 1] = now; scored[#scored + 1] = id end
              redis.call('ZADD', KEYS[4], unpack(scored))
              trim(KEYS[4], tonumber(ARGV[3]), tonumber(now) - tonumber(ARGV[4]))
            end

            local claimed, retryAfter = {}, 0
            local want = tonumber(ARGV[6])
            if want <= 0 then return {statuses, claimed, 0} end
            local meta = redis.call('HMGET', KEYS[7], 'paused', 'rl_max', 'rl_window', 'rl_id', 'rl_count')
            if meta[1] == '1' then return {statuses, claimed, 0} end
            local limited = meta[2] and tonumber(meta[2]) > 0
            local window, used = 0, 0
            if limited then
              window = math.floor(tonumber(now) / tonumber(meta[3]))
              if tostring(window) == meta[4] then used = tonumber(meta[5]) end
              local left = tonumber(meta[2]) - used
              if left < want then
                want = math.max(left, 0)
                retryAfter = (window + 1) * tonumber(meta[3]) - tonumber(now)
              end
              if want == 0 then return {statuses, claimed, retryAfter} end
            end
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', '0', '1000')
            for _, id in ipairs(due) do
              redis.call('ZREM', KEYS[2], id)
              makeWaiting(id)
            end
            -- ZRANGE + ZREM rather than ZPOPMIN: ZPOPMIN would format every popped score with printf.
            local ids = redis.call('ZRANGE', KEYS[1], '0', want - 1)
            if #ids > 0 then redis.call('ZREM', KEYS[1], unpack(ids)) end
            local token, leases, count = ARGV[7], {}, 0
            for _, id in ipairs(ids) do
              local key = prefix .. id
              local fields = redis.call('HMGET', key, 'name', 'payload', 'state', 'prio', 'max', 'backoff', 'runs', 'fails',
                'stalls', 'created', 'runat', 'finished', 'timeout', 'progress', 'errors')
              -- A waiting id without its hash (never left by any script) is dropped rather than leased.
              if fields[1] then
                count = count + 1
                local runs = tostring(tonumber(fields[7]) + 1)
                redis.call('HSET', key, 'state', 'active', 'token', token, 'runs', runs)
                fields[3], fields[7] = 'active', runs
                leases[#leases + 1] = ARGV[5]
                leases[#leases + 1] = id
                claimed[#claimed + 1] = id
                claimed[#claimed + 1] = fields
              end
            end
            if count > 0 then
              redis.call('ZADD', KEYS[3], unpack(leases))
              if limited then redis.call('HSET', KEYS[7], 'rl_id', tostring(window), 'rl_count', used + count) end
            end
            return {statuses, claimed, retryAfter}
            """
    )

    /// fail-8: ARGV[2] id · [3] token · [4] now · [5] message · [6] retry-at · [7] permanent 1/0 · [8] keep dead count
    /// · [9] keep dead age ms. Returns 1 dead-lettered, 2 retrying.
    static let fail = RedisScript(
        helpers + """
            local id, now, retryAt = ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[6])
            local key = prefix .. id
            local status = held(key, ARGV[3])
            if status < 0 then return status end
            redis.call('ZREM', KEYS[3], id)
            local fails = redis.call('HINCRBY', key, 'fails', 1)
            appendError(key, redis.call('HGET', key, 'runs'), ARGV[5], now)
            event('failed', id)
            redis.call('HSET', key, 'token', '')
            if ARGV[7] == '1' or fails >= tonumber(redis.call('HGET', key, 'max')) then
              redis.call('HSET', key, 'state', 'dead', 'finished', now)
              redis.call('ZADD', KEYS[5], now, id)
              event('dead_lettered', id)
              trim(KEYS[5], tonumber(ARGV[8]), now - tonumber(ARGV[9]))
              return 1
            end
            if retryAt > now then
              redis.call('HSET', key, 'state', 'delayed', 'runat', retryAt)
              redis.call('ZADD', KEYS[2], retryAt, id)
            else
              makeWaiting(id)
            end
            event('retried', id)
            return 2
            """
    )

    /// release-8: ARGV[2] id · [3] token. Active → waiting, the run not counted. Returns 0.
    static let release = RedisScript(
        helpers + """
            local id = ARGV[2]
            local key = prefix .. id
            local status = held(key, ARGV[3])
            if status < 0 then return status end
            redis.call('ZREM', KEYS[3], id)
            redis.call('HINCRBY', key, 'runs', -1)
            makeWaiting(id, 'token', '')
            event('released', id)
            return 0
            """
    )

    /// snooze-8: ARGV[2] id · [3] token · [4] now · [5] run-at. Active → delayed (or waiting when due), the run not
    /// counted. Returns 0.
    static let snooze = RedisScript(
        helpers + """
            local id, now, runat = ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
            local key = prefix .. id
            local status = held(key, ARGV[3])
            if status < 0 then return status end
            redis.call('ZREM', KEYS[3], id)
            redis.call('HINCRBY', key, 'runs', -1)
            if runat > now then
              redis.call('HSET', key, 'state', 'delayed', 'runat', runat, 'token', '')
              redis.call('ZADD', KEYS[2], runat, id)
            else
              makeWaiting(id, 'token', '')
            end
            event('snoozed', id)
            return 0
            """
    )

    /// extendLease-8: ARGV[2] id · [3] token · [4] new lease end. Returns 0.
    static let extendLease = RedisScript(
        helpers + """
            local id = ARGV[2]
            local status = held(prefix .. id, ARGV[3])
            if status < 0 then return status end
            redis.call('ZADD', KEYS[3], 'XX', ARGV[4], id)
            return 0
            """
    )

    /// progress-8: ARGV[2] id · [3] token · [4] percent. Returns 0.
    static let progress = RedisScript(
        helpers + """
            local id = ARGV[2]
            local status = held(prefix .. id, ARGV[3])
            if status < 0 then return status end
            redis.call('HSET', prefix .. id, 'progress', ARGV[4])
            event('progress', id)
            return 0
            """
    )

    /// recoverStalled-8: ARGV[2] now · [3] max stalls · [4] keep dead count · [5] keep dead age ms.
    /// Jobs whose lease ended go back to waiting (a stall), or to dead past max stalls. Returns how many.
    static let recoverStalled = RedisScript(
        helpers + """
            local now = tonumber(ARGV[2])
            local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', '0', '1000')
            for _, id in ipairs(expired) do
              redis.call('ZREM', KEYS[3], id)
              local key = prefix .. id
              if redis.call('EXISTS', key) == 1 then
                local stalls = redis.call('HINCRBY', key, 'stalls', 1)
                redis.call('HSET', key, 'token', '')
                if stalls > tonumber(ARGV[3]) then
                  appendError(key, redis.call('HGET', key, 'runs'), 'stalled ' .. stalls .. ' times: the worker stopped renewing its lease', now)
                  redis.call('HSET', key, 'state', 'dead', 'finished', now)
                  redis.call('ZADD', KEYS[5], now, id)
                  event('dead_lettered', id)
                else
                  makeWaiting(id)
                  event('stalled', id)
                end
              end
            end
            if #expired > 0 then trim(KEYS[5], tonumber(ARGV[4]), now - tonumber(ARGV[5])) end
            return #expired
            """
    )

    /// retryDead-8: ARGV[2] id · [3] now. Dead → waiting with failures and stalls reset. Returns 0.
    static let retryDead = RedisScript(
        helpers + """
            local id = ARGV[2]
            local key = prefix .. id
            if redis.call('EXISTS', key) == 0 then return -1 end
            if not redis.call('ZSCORE', KEYS[5], id) then return -3 end
            redis.call('ZREM', KEYS[5], id)
            makeWaiting(id, 'fails', 0, 'stalls', 0, 'finished', '', 'runat', ARGV[3])
            event('retried_from_dead', id)
            return 0
            """
    )

    /// promote-8: ARGV[2] id · [3] now. Delayed → waiting. Returns 0.
    static let promote = RedisScript(
        helpers + """
            local id = ARGV[2]
            local key = prefix .. id
            if redis.call('EXISTS', key) == 0 then return -1 end
            if not redis.call('ZSCORE', KEYS[2], id) then return -3 end
            redis.call('ZREM', KEYS[2], id)
            makeWaiting(id, 'runat', ARGV[3])
            event('promoted', id)
            return 0
            """
    )

    /// remove-8: ARGV[2] id. Deletes the job from every state; a holder loses its lease. Returns 0.
    static let remove = RedisScript(
        helpers + """
            local id = ARGV[2]
            if redis.call('EXISTS', prefix .. id) == 0 then return -1 end
            for i = 1, 5 do redis.call('ZREM', KEYS[i], id) end
            redis.call('DEL', prefix .. id)
            event('removed', id)
            return 0
            """
    )
}
