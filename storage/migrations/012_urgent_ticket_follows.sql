-- An urgent request's ticket follows the request (bot/services/urgent.py): the arrival resolves it at the
-- arrival time, a cancel closes it unresolved (the completion rate leaves out a ticket closed without a
-- resolution). Before, nothing closed it: fix the tickets of requests already arrived or cancelled, so past
-- periods score as the rule says. No text is written (the resolution stays empty; the history keeps the rest).

UPDATE tickets SET
    status = 'resolved',
    resolved_at = (SELECT u.arrived_at FROM urgent_requests u
                   WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id),
    taken_at = COALESCE(taken_at, (SELECT u.arrived_at FROM urgent_requests u
                                   WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id)),
    assignee_id = COALESCE(assignee_id, (SELECT u.arrived_by FROM urgent_requests u
                                         WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id))
WHERE status IN ('open', 'taken') AND EXISTS (
    SELECT 1 FROM urgent_requests u
    WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id AND u.arrived_at IS NOT NULL);

UPDATE tickets SET
    status = 'closed',
    closed_at = (SELECT u.cancelled_at FROM urgent_requests u
                 WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id)
WHERE status IN ('open', 'taken') AND EXISTS (
    SELECT 1 FROM urgent_requests u
    WHERE u.contract_id = tickets.contract_id AND u.ticket_id = tickets.id AND u.cancelled_at IS NOT NULL
      AND u.arrived_at IS NULL);
