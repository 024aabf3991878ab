//! Reading a response body under a cap, shared by the backends.

use bytes::{Bytes, BytesMut};

use crate::TransportError;

/// Accumulates body chunks up to `limit` bytes, without copying a body that arrives in
/// one chunk.
pub(crate) struct CappedBody {
    limit: usize,
    first: Option<Bytes>,
    rest: Option<BytesMut>,
    len: usize,
}

impl CappedBody {
    /// Checks a declared `Content-Length` against the cap before anything is read.
    pub(crate) fn new(limit: usize, content_length: Option<u64>) -> Result<Self, TransportError> {
        if content_length.is_some_and(|len| len > limit as u64) {
            return Err(TransportError::BodyTooLarge { limit });
        }
        Ok(Self { limit, first: None, rest: None, len: 0 })
    }

    pub(crate) fn push(&mut self, chunk: Bytes) -> Result<(), TransportError> {
        self.len += chunk.len();
        if self.len > self.limit {
            return Err(TransportError::BodyTooLarge { limit: self.limit });
        }
        match (&mut self.first, &mut self.rest) {
            (None, _) => self.first = Some(chunk),
            (Some(first), None) => {
                let mut buf = BytesMut::with_capacity(first.len() + chunk.len());
                buf.extend_from_slice(first);
                buf.extend_from_slice(&chunk);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Bytes {
        match (self.first, self.rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(first), None) => first,
            (None, None) => Bytes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_chunks_and_enforces_the_cap() {
        let mut body = CappedBody::new(6, None).unwrap();
        body.push(Bytes::from_static(b"ab")).unwrap();
        body.push(Bytes::from_static(b"cd")).unwrap();
        body.push(Bytes::from_static(b"ef")).unwrap();
        assert_eq!(body.finish(), "abcdef");
        let mut body = CappedBody::new(3, None).unwrap();
        body.push(Bytes::from_static(b"ab")).unwrap();
        assert!(body.push(Bytes::from_static(b"cd")).unwrap_err().is_body_too_large());
        assert!(CappedBody::new(3, Some(4)).is_err());
        assert_eq!(CappedBody::new(3, Some(3)).unwrap().finish(), "");
    }
}
