# The AKS cluster's GitOps configuration, kept beside the manifests.
resource "azurerm_kubernetes_cluster_extension" "flux" {
  name           = "flux"
  cluster_id     = azurerm_kubernetes_cluster.aks.id
  extension_type = "microsoft.flux"
  version        = "1.24.1"
  configuration_settings = {
    "multiTenancy.enforce" = "true"
  }
}

resource "azurerm_kubernetes_flux_configuration" "cluster_config" {
  name       = "cluster-config"
  cluster_id = azurerm_kubernetes_cluster.aks.id
  namespace  = "cluster-config"
  scope      = "cluster"

  git_repository {
    url             = "https://github.com/example/fleet"
    reference_type  = "branch"
    reference_value = var.branch
  }

  kustomizations {
    name                       = "infra"
    path                       = "./infrastructure"
    garbage_collection_enabled = true
  }

  kustomizations {
    name                       = "apps"
    path                       = "./apps"
    garbage_collection_enabled = true
    depends_on                 = ["infra"]
    post_build {
      substitute = { cluster_env = "staging" }
    }
  }
}
