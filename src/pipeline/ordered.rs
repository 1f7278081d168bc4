//! Work items run on the rayon pool with no barrier between them, their results handed
//! back in input order, and everything, the hand-back included, on the pool's threads.
//!
//! Processing in chunks joined one after another left a core idle at the end of every
//! chunk. Here a window of items is always queued on the pool. The coordinating task
//! runs on a pool worker too: it takes results as they come, holds early ones back and
//! passes them on in order (so the output depends only on the input), and while the
//! next result is not ready it runs queued items itself. So `--threads N` means N
//! busy threads: the batch building and table writing done in `take` share the N
//! cores with the messages instead of running on extra threads beside them. Memory is
//! bounded by the window.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use rayon::Yield;

use super::PipelineError;

/// How long the coordinator waits for a result, when no queued item is left for it to
/// run, before it looks for work again (an item running elsewhere may queue more).
const WAIT: Duration = Duration::from_millis(1);

type Report<R> = (usize, std::thread::Result<R>);

/// Runs `work` on every input on the rayon pool, at most `window` at a time, and calls
/// `take` with the results in input order, on a pool thread. An error from `take` stops
/// the run: nothing more is started, and the error is returned. A panic in `work` is
/// raised again in the caller.
pub fn run_in_order<T, R>(
    inputs: &[T],
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), PipelineError> + Send,
) -> Result<(), PipelineError>
where
    T: Sync,
    R: Send,
{
    let window = window.max(1);
    let work = &work;
    let (tx, rx) = channel::<Report<R>>();
    // FIFO: items start in input order, so results mostly arrive in order too.
    rayon::scope_fifo(move |scope| {
        let mut started = 0;
        let mut early: BTreeMap<usize, R> = BTreeMap::new();
        for next in 0..inputs.len() {
            while started < inputs.len() && started < next + window {
                let (tx, input, index) = (tx.clone(), &inputs[started], started);
                scope.spawn_fifo(move |_| {
                    let result = panic::catch_unwind(AssertUnwindSafe(|| work(input)));
                    // The receiver is gone only when the run stopped early.
                    let _ = tx.send((index, result));
                });
                started += 1;
            }
            let result = loop {
                if let Some(r) = early.remove(&next) {
                    break r;
                }
                let (index, result) = next_report(&rx);
                match result {
                    Ok(r) => {
                        early.insert(index, r);
                    }
                    Err(payload) => panic::resume_unwind(payload),
                }
            };
            take(result)?;
        }
        Ok(())
    })
}

/// The next finished item's report. While none is there, this thread runs queued items
/// itself rather than wait beside them.
fn next_report<R>(rx: &Receiver<Report<R>>) -> Report<R> {
    loop {
        match rx.try_recv() {
            Ok(report) => return report,
            Err(TryRecvError::Disconnected) => unreachable!("the coordinator holds a sender"),
            Err(TryRecvError::Empty) => {}
        }
        if rayon::yield_now() == Some(Yield::Executed) {
            continue;
        }
        match rx.recv_timeout(WAIT) {
            Ok(report) => return report,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                unreachable!("the coordinator holds a sender")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Later items finish first (they sleep less), yet come back in input order.
    #[test]
    fn results_come_back_in_input_order_whatever_finishes_first() {
        let inputs: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        run_in_order(
            &inputs,
            7,
            |&i| {
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 10));
                i * 3
            },
            |r| {
                seen.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..200).map(|i| i * 3).collect::<Vec<_>>());
    }

    #[test]
    fn no_more_than_the_window_is_in_flight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let inputs: Vec<usize> = (0..100).collect();
        let taken = AtomicUsize::new(0);
        let most_ahead = AtomicUsize::new(0);
        run_in_order(
            &inputs,
            5,
            |&i| {
                // An item starts only once fewer than `window` items before it are
                // still waiting to be taken.
                let ahead = i - taken.load(Ordering::SeqCst);
                most_ahead.fetch_max(ahead, Ordering::SeqCst);
                i
            },
            |_| {
                taken.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(taken.load(Ordering::SeqCst), 100);
        assert!(most_ahead.load(Ordering::SeqCst) < 5);
    }

    fn stop() -> PipelineError {
        PipelineError::Audit(crate::audit::AuditError::Io {
            path: "table.parquet".into(),
            source: std::io::Error::other("disk full"),
        })
    }

    #[test]
    fn stopping_early_starts_nothing_more_and_returns_the_error() {
        let inputs: Vec<usize> = (0..1000).collect();
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let result = run_in_order(
            &inputs,
            4,
            |&i| {
                ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |r| {
                if r == 10 {
                    Err(stop())
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(result, Err(PipelineError::Audit(_))));
        assert!(ran.load(std::sync::atomic::Ordering::SeqCst) <= 10 + 4);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let inputs: Vec<usize> = (0..50).collect();
        let caught = panic::catch_unwind(AssertUnwindSafe(|| {
            run_in_order(
                &inputs,
                8,
                |&i| {
                    assert!(i != 20, "item 20 is bad");
                    i
                },
                |_| Ok(()),
            )
        }));
        let payload = caught.expect_err("the panic is raised again");
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(message.contains("item 20 is bad"), "{message}");
    }
}
