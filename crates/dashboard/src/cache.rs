//! Computed figures kept in memory, keyed by the normalised query.
//!
//! Concurrent requests for the same query wait for one computation instead of each running it. Failed
//! computations are not kept. When full, the oldest entry goes first.

use crate::params::FigureQuery;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use tandem_metrics::Figures;
use tokio::sync::OnceCell;

type Slot = Arc<OnceCell<Arc<Figures>>>;

/// A bounded map from [`FigureQuery`] to computed [`Figures`].
pub struct FiguresCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    slots: HashMap<FigureQuery, Slot>,
    order: VecDeque<FigureQuery>,
}

impl FiguresCache {
    pub fn new(capacity: usize) -> FiguresCache {
        FiguresCache {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn slot(&self, key: &FigureQuery) -> Slot {
        let mut inner = self.lock();
        if let Some(slot) = inner.slots.get(key) {
            return slot.clone();
        }
        while inner.slots.len() >= self.capacity {
            match inner.order.pop_front() {
                Some(old) => {
                    inner.slots.remove(&old);
                }
                None => break,
            }
        }
        let slot: Slot = Arc::new(OnceCell::new());
        inner.slots.insert(key.clone(), slot.clone());
        inner.order.push_back(key.clone());
        slot
    }

    /// The figures for `key`, computing them with `compute` when they are not held yet.
    pub async fn get_or_compute<E, F, Fut>(
        &self,
        key: &FigureQuery,
        compute: F,
    ) -> Result<Arc<Figures>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Figures, E>>,
    {
        let slot = self.slot(key);
        slot.get_or_try_init(|| async move { compute().await.map(Arc::new) })
            .await
            .cloned()
    }
}
