import { ConsoleApp } from '../components/console-app';

/** The only page: the list, or one dApp's details (`?dapp=<frontend-id>`), in the browser. */
export default function HomePage() {
  return <ConsoleApp />;
}
