//! Reading other formats into designs.
