//! Temporary stub: accepts `#[cfn]` attributes and generates nothing (replaced by the real derive).
use proc_macro::TokenStream;

#[proc_macro_derive(CfnMapping, attributes(cfn))]
pub fn derive_cfn_mapping(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
