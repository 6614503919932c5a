//! Work on consecutive runs of a service's functions side by side, one run per core, with
//! the results handed back in order, so that the outcome is the same as working in order.

/// Below this many events in all, one thread does the work: starting others would cost
/// about what they save.
pub(crate) const PARALLEL_EVENTS: usize = 2_000;

/// The number of the `functions` mapping's events (a function's weight).
pub(crate) fn events_of(function: &crate::tree::Entry) -> usize {
    match function.value.get("events").map(|events| &events.value) {
        Some(crate::tree::Value::Array(events)) => events.len(),
        _ => 0,
    }
}

/// Applies `work` to consecutive runs of `items` of about equal total `weight`, one run per
/// core when the total is at least [`PARALLEL_EVENTS`] (else one run, on this thread), and
/// returns the results in the order of the runs.
pub(crate) fn map_runs<T: Send, R: Send>(
    items: &mut [T],
    weight: impl Fn(&T) -> usize,
    work: impl Fn(&mut [T]) -> R + Sync,
) -> Vec<R> {
    let total: usize = items.iter().map(&weight).sum();
    let threads = if total >= PARALLEL_EVENTS {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    } else {
        1
    };
    if threads <= 1 {
        return vec![work(items)];
    }
    let runs = split_by_weight(items, threads, weight);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || work(run)))
            .collect();
        handles
            .into_iter()
            // Nothing the work does panics; should it, the panic goes on here.
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Splits `items` into at most `parts` consecutive runs of about equal total `weight`.
fn split_by_weight<T>(
    mut items: &mut [T],
    parts: usize,
    weight: impl Fn(&T) -> usize,
) -> Vec<&mut [T]> {
    let total: usize = items.iter().map(&weight).sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut runs = Vec::with_capacity(parts);
    while !items.is_empty() {
        let mut taken = 0;
        let mut length = 0;
        while length < items.len() && (taken < share || runs.len() + 1 == parts) {
            taken += weight(&items[length]);
            length += 1;
        }
        let (run, rest) = std::mem::take(&mut items).split_at_mut(length);
        runs.push(run);
        items = rest;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_consecutive_and_balanced() {
        let mut items = [5, 1, 1, 1, 1, 1, 0, 4, 2];
        let runs = split_by_weight(&mut items, 2, |item| *item);
        let sums: Vec<usize> = runs.iter().map(|run| run.iter().sum()).collect();
        let joined: Vec<usize> = runs.iter().flat_map(|run| run.iter().copied()).collect();
        assert_eq!(joined, [5, 1, 1, 1, 1, 1, 0, 4, 2]);
        assert_eq!(sums, [8, 8]);
        assert_eq!(split_by_weight(&mut [0_usize; 0], 2, |item| *item).len(), 0);
        assert_eq!(split_by_weight(&mut [1, 1, 1], 8, |item| *item).len(), 3);
        assert_eq!(split_by_weight(&mut [0, 0, 0], 2, |item| *item).len(), 1);
    }

    #[test]
    fn results_come_back_in_order() {
        let mut items: Vec<usize> = (0..PARALLEL_EVENTS * 2).collect();
        let sums = map_runs(
            &mut items,
            |_| 1,
            |run| {
                run.iter_mut().for_each(|item| *item *= 2);
                run.to_vec()
            },
        );
        let joined: Vec<usize> = sums.into_iter().flatten().collect();
        assert_eq!(
            joined,
            (0..PARALLEL_EVENTS * 2)
                .map(|item| item * 2)
                .collect::<Vec<_>>()
        );
        // Small work stays on this thread, in one run.
        assert_eq!(map_runs(&mut [1, 2, 3], |_| 1, |run| run.len()), [3]);
    }
}
