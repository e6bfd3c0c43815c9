import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { Layout } from "./shell/Layout";
import { Home } from "./shell/Home";
import { SignIn } from "./shell/SignIn";
import { Overview } from "./views/overview/Overview";
import { ResourceList } from "./views/list/ResourceList";
import { applyTheme, savedTheme } from "./shell/theme";

// The object page and the editor carry CodeMirror: loaded when first needed, so the first
// load stays small.
const DetailPage = lazy(() => import("./views/detail/DetailPage"));
const CreatePage = lazy(() => import("./views/create/CreatePage"));

// Before the first paint, so that no page flashes in the other theme.
applyTheme(savedTheme());

export function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/signin" element={<SignIn />} />
          <Route path="/c/:cluster" element={<Layout />}>
            <Route index element={<Overview />} />
            <Route path="r/:group/:version/:resource" element={<ResourceList />} />
            <Route path="r/:group/:version/:resource/:namespace/:name/:tab?" element={<DetailPage />} />
            <Route path="create" element={<CreatePage />} />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
