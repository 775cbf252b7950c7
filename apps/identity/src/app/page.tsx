import { IdentityApp } from '../components/identity-app';

/**
 * The only page. With `#authorize` (how `@dfinity/auth-client` opens it) it signs the user in
 * to the app that opened it; without, it shows the identities of this browser.
 */
export default function HomePage() {
  return <IdentityApp />;
}
